package no.homemonitoring.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

  @Test
  void percentilesAreInMillisecondsOverTheRecordedLatenciesOnly() {
    LatencyRecorder recorder = new LatencyRecorder(10);
    recorder.record(3_000_000);
    recorder.record(1_000_000);
    recorder.record(2_500_000);

    assertThat(recorder.percentileMillis(50)).isEqualTo(2.5);
    assertThat(recorder.percentileMillis(99)).isEqualTo(3.0);
  }

  @Test
  void noAnsweredRequestsGiveNoPercentile() {
    assertThat(new LatencyRecorder(10).percentileMillis(50)).isNaN();
  }
}
