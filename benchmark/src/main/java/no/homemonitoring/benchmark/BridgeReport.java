package no.homemonitoring.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The bridge benchmark's Markdown report: per database, one row per concurrency with the medians
 * over runs of the plain FHIR POST and the bridge, then PASS/FAIL against the bridge's targets.
 */
final class BridgeReport {

  /** The concurrency at which the acknowledgement latency target applies. */
  static final int ACK_TARGET_CONCURRENCY = 8;

  /** A vendor's push must be acknowledged quickly: p99 below this, in milliseconds. */
  static final double ACK_P99_LIMIT_MILLIS = 50;

  private final List<String> settings;
  private final List<Database> databases;
  private final List<BridgeRunResult> runs;
  private final boolean withTargets;

  BridgeReport(
      List<String> settings,
      List<Database> databases,
      List<BridgeRunResult> runs,
      boolean withTargets) {
    this.settings = List.copyOf(settings);
    this.databases = List.copyOf(databases);
    this.runs = List.copyOf(runs);
    this.withTargets = withTargets;
  }

  String markdown() {
    StringBuilder markdown = new StringBuilder("# Device bridge benchmark\n\n");
    settings.forEach(line -> markdown.append("- ").append(line).append('\n'));
    List<String> verdicts = new ArrayList<>();
    for (Database database : databases) {
      List<BridgeRunResult> ofDatabase =
          runs.stream().filter(run -> run.database() == database).toList();
      appendDatabase(markdown, database, ofDatabase);
      verdicts.addAll(verdicts(database, ofDatabase));
    }
    if (withTargets) {
      markdown
          .append("\n## Targets\n\n")
          .append("Checked on the medians over all runs of each database.\n\n```text\n");
      verdicts.forEach(verdict -> markdown.append(verdict).append('\n'));
      markdown.append("```\n");
    }
    return markdown.toString();
  }

  private static void appendDatabase(
      StringBuilder markdown, Database database, List<BridgeRunResult> runs) {
    markdown
        .append("\n## ")
        .append(database.label())
        .append("\n\nMedian over ")
        .append(runs.size())
        .append(runs.size() == 1 ? " run" : " runs")
        .append(". Rates are measurements per second; latencies in ms. Bridge end to end: from")
        .append(" the first push until every acknowledged measurement is a searchable")
        .append(" Observation.\n\n")
        .append(
            "| Concurrency | Plain POST/s | Plain p50 | Plain p95 | Plain p99 | Bridge end-to-end/s"
                + " | Bridge / plain | Ack p50 | Ack p95 | Ack p99 | Per run (plain / bridge) |\n")
        .append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (int concurrency : concurrencies(runs)) {
      List<BridgeRunResult.LevelResult> levels = levels(runs, concurrency);
      double plain = median(levels, BridgeRunResult.LevelResult::plainPerSecond);
      double bridge = median(levels, BridgeRunResult.LevelResult::bridgePerSecond);
      markdown.append(
          row(
              Integer.toString(concurrency),
              Metric.format(plain, 0),
              Metric.format(median(levels, level -> level.plain().p50Millis()), 1),
              Metric.format(median(levels, level -> level.plain().p95Millis()), 1),
              Metric.format(median(levels, level -> level.plain().p99Millis()), 1),
              Metric.format(bridge, 0),
              Metric.format(bridge / plain, 2),
              Metric.format(median(levels, level -> level.ack().p50Millis()), 1),
              Metric.format(median(levels, level -> level.ack().p95Millis()), 1),
              Metric.format(median(levels, level -> level.ack().p99Millis()), 1),
              levels.stream()
                  .map(
                      level ->
                          Metric.format(level.plainPerSecond(), 0)
                              + " / "
                              + Metric.format(level.bridgePerSecond(), 0))
                  .collect(Collectors.joining(", "))));
    }
    double startup =
        Percentiles.median(
            runs.stream().mapToDouble(run -> run.startup().toMillis() / 1e3).toArray());
    markdown
        .append("\nStartup until /metadata answers: median ")
        .append(Metric.format(startup, 1))
        .append(" s. Failed requests: ")
        .append(runs.stream().mapToInt(BridgeRunResult::failedRequests).sum())
        .append(" (per run: ")
        .append(
            runs.stream()
                .map(run -> Integer.toString(run.failedRequests()))
                .collect(Collectors.joining(", ")))
        .append(")\n");
  }

  /**
   * At every concurrency the bridge must store at least as fast as a plain POST, and at concurrency
   * 8 its acknowledgement p99 must stay under the limit.
   */
  static List<String> verdicts(Database database, List<BridgeRunResult> runs) {
    List<String> verdicts = new ArrayList<>();
    for (int concurrency : concurrencies(runs)) {
      List<BridgeRunResult.LevelResult> levels = levels(runs, concurrency);
      double plain = median(levels, BridgeRunResult.LevelResult::plainPerSecond);
      double bridge = median(levels, BridgeRunResult.LevelResult::bridgePerSecond);
      verdicts.add(
          String.format(
              "%s %s concurrency %d: bridge end to end %s/s, plain POST %s/s, ratio %s"
                  + " (target >= 1.00)",
              bridge >= plain ? "PASS" : "FAIL",
              database.label(),
              concurrency,
              Metric.format(bridge, 0),
              Metric.format(plain, 0),
              Metric.format(bridge / plain, 2)));
      if (concurrency == ACK_TARGET_CONCURRENCY) {
        double p99 = median(levels, level -> level.ack().p99Millis());
        verdicts.add(
            String.format(
                "%s %s concurrency %d: ack p99 %s ms (target < %s ms)",
                p99 < ACK_P99_LIMIT_MILLIS ? "PASS" : "FAIL",
                database.label(),
                concurrency,
                Metric.format(p99, 1),
                Metric.format(ACK_P99_LIMIT_MILLIS, 0)));
      }
    }
    return verdicts;
  }

  /** The concurrencies the runs measured, in the order they were measured. */
  private static List<Integer> concurrencies(List<BridgeRunResult> runs) {
    return runs.stream()
        .flatMap(run -> run.levels().stream())
        .map(BridgeRunResult.LevelResult::concurrency)
        .distinct()
        .toList();
  }

  private static List<BridgeRunResult.LevelResult> levels(
      List<BridgeRunResult> runs, int concurrency) {
    return runs.stream()
        .flatMap(run -> run.levels().stream())
        .filter(level -> level.concurrency() == concurrency)
        .toList();
  }

  private static double median(
      List<BridgeRunResult.LevelResult> levels,
      ToDoubleFunction<BridgeRunResult.LevelResult> value) {
    return Percentiles.median(levels.stream().mapToDouble(value).toArray());
  }

  private static String row(String... cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }
}
