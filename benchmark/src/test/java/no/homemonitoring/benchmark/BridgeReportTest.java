package no.homemonitoring.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BridgeReportTest {

  @Test
  void showsMediansPerConcurrencyWithTheRatioAndEveryRun() {
    // Plain c8: 100, 120, 80 readings/s (median 100); bridge c8: 150, 90, 200 (median 150).
    List<BridgeRunResult> runs =
        List.of(
            run(Database.H2, level(8, 100, 150, 12), level(32, 90, 60, 80)),
            run(Database.H2, level(8, 120, 90, 30), level(32, 95, 70, 90)),
            run(Database.H2, level(8, 80, 200, 20), level(32, 85, 50, 70)));

    String markdown =
        new BridgeReport(List.of("Runs: 3"), List.of(Database.H2), runs, false).markdown();

    assertThat(markdown)
        .contains("- Runs: 3")
        .contains("## h2")
        .contains("Median over 3 runs")
        .contains(
            "| 8 | 100 | 5.0 | 6.0 | 7.0 | 150 | 1.50 | 2.0 | 3.0 | 20.0 |"
                + " 100 / 150, 120 / 90, 80 / 200 |")
        .contains("| 32 | 90 | 5.0 | 6.0 | 7.0 | 60 | 0.67 | 2.0 | 3.0 | 80.0 |")
        .contains("Failed requests: 0 (per run: 0, 0, 0)")
        .doesNotContain("## Targets");
  }

  @Test
  void theBridgeMustStoreAtLeastAsFastAsPlainPostAndAcknowledgeQuicklyAtConcurrency8() {
    List<BridgeRunResult> runs =
        List.of(run(Database.POSTGRESQL, level(1, 40, 40, 9), level(8, 100, 99, 49.9)));

    String markdown =
        new BridgeReport(List.of(), List.of(Database.POSTGRESQL), runs, true).markdown();

    assertThat(markdown)
        .contains("## Targets")
        .contains(
            "PASS postgresql concurrency 1: bridge end to end 40/s, plain POST 40/s, ratio 1.00"
                + " (target >= 1.00)")
        .contains(
            "FAIL postgresql concurrency 8: bridge end to end 99/s, plain POST 100/s, ratio 0.99"
                + " (target >= 1.00)")
        .contains("PASS postgresql concurrency 8: ack p99 49.9 ms (target < 50 ms)");
  }

  @Test
  void theAckTargetAppliesAtConcurrency8Only() {
    List<String> verdicts =
        BridgeReport.verdicts(
            Database.H2, List.of(run(Database.H2, level(1, 10, 20, 80), level(8, 10, 20, 50))));

    assertThat(verdicts)
        .containsExactly(
            "PASS h2 concurrency 1: bridge end to end 20/s, plain POST 10/s, ratio 2.00"
                + " (target >= 1.00)",
            "PASS h2 concurrency 8: bridge end to end 20/s, plain POST 10/s, ratio 2.00"
                + " (target >= 1.00)",
            "FAIL h2 concurrency 8: ack p99 50.0 ms (target < 50 ms)");
  }

  @Test
  void eachDatabaseGetsItsOwnTableFromItsOwnRuns() {
    List<BridgeRunResult> runs =
        List.of(
            run(Database.H2, level(8, 100, 150, 12)),
            run(Database.POSTGRESQL, level(8, 50, 75, 12)));

    String markdown =
        new BridgeReport(List.of(), List.of(Database.H2, Database.POSTGRESQL), runs, false)
            .markdown();

    assertThat(markdown)
        .contains("## h2\n\nMedian over 1 run.")
        .contains("| 8 | 100 |")
        .contains("## postgresql")
        .contains("| 8 | 50 |");
    assertThat(markdown.indexOf("## h2")).isLessThan(markdown.indexOf("## postgresql"));
  }

  @Test
  void failedRequestsAreCountedPerRun() {
    List<BridgeRunResult> runs =
        List.of(
            new BridgeRunResult(Database.H2, Duration.ofSeconds(20), List.of(level(8, 1, 1, 1)), 3),
            new BridgeRunResult(
                Database.H2, Duration.ofSeconds(22), List.of(level(8, 1, 1, 1)), 0));

    assertThat(new BridgeReport(List.of(), List.of(Database.H2), runs, false).markdown())
        .contains(
            "Startup until /metadata answers: median 21.0 s. Failed requests: 3 (per run: 3, 0)");
  }

  private static BridgeRunResult run(Database database, BridgeRunResult.LevelResult... levels) {
    return new BridgeRunResult(database, Duration.ofSeconds(20), List.of(levels), 0);
  }

  /**
   * 1000 readings each way: plain at {@code plainRate}, bridge end to end at {@code bridgeRate}.
   */
  private static BridgeRunResult.LevelResult level(
      int concurrency, double plainRate, double bridgeRate, double ackP99) {
    int count = 1000;
    PhaseResult plain =
        new PhaseResult(count, 0, Duration.ofNanos((long) (count / plainRate * 1e9)), 5, 6, 7);
    PhaseResult ack = new PhaseResult(count, 0, Duration.ofSeconds(1), 2, 3, ackP99);
    return new BridgeRunResult.LevelResult(
        concurrency, plain, ack, Duration.ofNanos((long) (count / bridgeRate * 1e9)), count);
  }
}
