package no.homemonitoring.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerTimerTest {

  private static final String ACTUATOR_ANSWER =
      """
      {"name":"homemonitoring.validation","description":"Profile validation of one resource",      "baseUnit":"seconds","measurements":[{"statistic":"COUNT","value":350.0},      {"statistic":"TOTAL_TIME","value":2.1},{"statistic":"MAX","value":0.012}],      "availableTags":[]}""";

  @Test
  void readsCountAndTotalTimeFromTheActuatorsAnswer() {
    ServerTimer timer = ServerTimer.parse(ACTUATOR_ANSWER);

    assertThat(timer.count()).isEqualTo(350.0);
    assertThat(timer.totalSeconds()).isEqualTo(2.1);
  }

  @Test
  void millisPerEventAreTakenOverThePhaseOnly() {
    ServerTimer before = new ServerTimer(50, 0.6);
    ServerTimer after = new ServerTimer(350, 2.1);

    assertThat(after.millisPerEventSince(before))
        .isCloseTo(5.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void noEventsOrNoTimerGiveNoFigure() {
    assertThat(new ServerTimer(5, 1).millisPerEventSince(new ServerTimer(5, 1))).isNaN();
    assertThat(ServerTimer.ABSENT.millisPerEventSince(ServerTimer.ABSENT)).isNaN();
    assertThat(ServerTimer.parse("{\"measurements\":[]}").count()).isNaN();
  }
}
