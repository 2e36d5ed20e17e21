package no.homemonitoring.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkReportTest {

  private static final List<RunResult> SERVER =
      List.of(run(12.0, 15.0, 700), run(30.0, 25.0, 720), run(14.0, 18.0, 1100));
  private static final List<RunResult> COMPARE =
      List.of(run(20.0, 40.0, 900), run(22.0, 44.0, 950), run(21.0, 42.0, 910));

  @Test
  void showsTheMedianAndEveryRunOfEachMetric() {
    String markdown = new BenchmarkReport(List.of("Runs: 3"), SERVER, List.of(), false).markdown();

    assertThat(markdown)
        .contains("- Runs: 3")
        .contains("| Startup until /metadata answers | s | 14.0 | 12.0, 30.0, 14.0 |")
        .contains("| Nurse query p95 | ms | 18.0 | 15.0, 25.0, 18.0 |")
        .contains("Failed requests: 0 (per run: 0, 0, 0)")
        .doesNotContain("## Targets");
  }

  @Test
  void comparisonShowsBothMediansAndTheirRatio() {
    String markdown = new BenchmarkReport(List.of(), SERVER, COMPARE, false).markdown();

    assertThat(markdown)
        .contains(
            "| Nurse query p95 | ms | 18.0 | 42.0 | 0.43 | 15.0, 25.0, 18.0 | 40.0, 44.0, 42.0 |");
  }

  @Test
  void targetsAreCheckedOnMediansNotOnSingleRuns() {
    String markdown = new BenchmarkReport(List.of(), SERVER, List.of(), true).markdown();

    // Run 2 misses the latency target and run 3 the memory target; the medians meet both.
    assertThat(markdown)
        .contains("PASS Nurse query p95: median 18.0 ms (target < 20 ms)")
        .contains("PASS Startup until /metadata answers: median 14.0 s (target < 25 s)")
        .contains("PASS RSS after load (VmRSS): median 720 MiB (target < 1024 MiB)");
  }

  @Test
  void aMetricNoRunCouldMeasureFailsItsTarget() {
    RunResult withoutMemory =
        new RunResult(
            Duration.ofSeconds(10),
            500,
            new ProcessMemory(Double.NaN, Double.NaN),
            phase(10),
            phase(2),
            phase(20),
            phase(40),
            Double.NaN,
            0);

    String markdown =
        new BenchmarkReport(List.of(), List.of(withoutMemory), List.of(), true).markdown();

    assertThat(markdown)
        .contains("| RSS after load (VmRSS) | MiB | n/a | n/a |")
        .contains("FAIL RSS after load (VmRSS): median n/a MiB (target < 1024 MiB)");
  }

  @Test
  void validationCostIsTheDifferenceOfTheIngestMediansAgainstTheWriteWithoutValidation() {
    // Ingest c1 p50: with validation 13, 14, 30 ms (median 14); without 10, 11, 9 (median 10).
    List<RunResult> with = List.of(ingest(13, 3.5), ingest(14, 3.9), ingest(30, 4.2));
    List<RunResult> without = List.of(ingest(10, Double.NaN), ingest(11, Double.NaN), ingest(9, 0));

    String markdown = new BenchmarkReport(List.of(), with, without, false, true).markdown();

    assertThat(markdown)
        .contains("## Validation cost")
        .contains("| Write without validation (compare, p50) | 10.00 | 1.00 |")
        .contains("| Added by validation, end to end (difference) | 4.00 | 0.40 |")
        .contains("| Validation inside the server (timer) | 3.90 | 0.39 |")
        .contains("PASS Validation adds 4.00 ms to a 10.00 ms write: 0.40 of it (target < 0.50)");
  }

  @Test
  void validationCostingHalfTheWriteFails() {
    String markdown =
        new BenchmarkReport(
                List.of(), List.of(ingest(15, 5)), List.of(ingest(10, Double.NaN)), false, true)
            .markdown();

    assertThat(markdown)
        .contains("FAIL Validation adds 5.00 ms to a 10.00 ms write: 0.50 of it (target < 0.50)");
  }

  @Test
  void withoutTheCompareServerThereIsNoValidationCost() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new BenchmarkReport(List.of(), SERVER, List.of(), false, true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static RunResult ingest(double ingestP50, double validationMillis) {
    return new RunResult(
        Duration.ofSeconds(10),
        500,
        new ProcessMemory(700, 750),
        phase(10),
        phase(2),
        phase(ingestP50),
        phase(40),
        validationMillis,
        0);
  }

  private static RunResult run(double startupSeconds, double nurseP95, double rss) {
    return new RunResult(
        Duration.ofMillis((long) (startupSeconds * 1000)),
        500,
        new ProcessMemory(rss, rss + 50),
        new PhaseResult(2000, 0, Duration.ofSeconds(10), nurseP95 / 2, nurseP95, nurseP95 * 2),
        phase(2),
        phase(20),
        phase(40),
        4.0,
        0);
  }

  private static PhaseResult phase(double p50) {
    return new PhaseResult(100, 0, Duration.ofSeconds(1), p50, p50 * 2, p50 * 3);
  }
}
