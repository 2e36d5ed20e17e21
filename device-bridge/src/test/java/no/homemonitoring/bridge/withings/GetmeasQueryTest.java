package no.homemonitoring.bridge.withings;

import static no.homemonitoring.bridge.withings.WithingsTestData.example;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GetmeasQueryTest {

  private final WithingsNotification notification =
      WithingsNotification.parse(example("withings-notification-bp.form"));

  @Test
  void withoutAWatermarkTheNotificationsWindowIsPulled() {
    GetmeasQuery query = GetmeasQuery.after(notification, null);

    assertThat(query.form(null))
        .containsExactly(
            Map.entry("action", "getmeas"),
            Map.entry("meastypes", "1,4,9,10,11,54"),
            Map.entry("category", "1"),
            Map.entry("startdate", "1736147112"),
            Map.entry("enddate", "1736147113"));
  }

  @Test
  void withAWatermarkEverythingUpdatedSinceIsPulledWhateverTheWindow() {
    GetmeasQuery query = GetmeasQuery.after(notification, Instant.ofEpochSecond(1736140000));

    assertThat(query.form(40L))
        .containsEntry("lastupdate", "1736140000")
        .containsEntry("offset", "40")
        .doesNotContainKeys("startdate", "enddate");
  }

  @Test
  void aNotificationWithoutAWindowNeedsAWatermark() {
    WithingsNotification sleep = WithingsNotification.parse("userid=38271234&appli=44");

    assertThatThrownBy(() -> GetmeasQuery.after(sleep, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(GetmeasQuery.after(sleep, Instant.ofEpochSecond(5)).lastUpdate())
        .isEqualTo(Instant.ofEpochSecond(5));
  }

  @Test
  void aQueryIsAWindowOrAWatermarkNeverBothOrNeither() {
    Instant t = Instant.ofEpochSecond(1736147112);

    assertThatThrownBy(() -> new GetmeasQuery(t, t, t))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new GetmeasQuery(null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new GetmeasQuery(t, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GetmeasQuery.window(t.plusSeconds(1), t))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
