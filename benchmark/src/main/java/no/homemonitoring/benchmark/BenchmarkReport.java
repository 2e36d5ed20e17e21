package no.homemonitoring.benchmark;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The Markdown report: medians first because they are what targets and decisions use, per-run
 * values next to them so a noisy run is visible instead of averaged away.
 */
final class BenchmarkReport {

  private final List<String> settings;
  private final List<RunResult> server;
  private final List<RunResult> compare;
  private final boolean withTargets;
  private final boolean validationCost;

  /** {@code compare} is empty when no comparison server was run. */
  BenchmarkReport(
      List<String> settings, List<RunResult> server, List<RunResult> compare, boolean withTargets) {
    this(settings, server, compare, withTargets, false);
  }

  /**
   * With {@code validationCost}, the compare server is the same server with validation switched
   * off, and the report says what validation adds to a write.
   */
  BenchmarkReport(
      List<String> settings,
      List<RunResult> server,
      List<RunResult> compare,
      boolean withTargets,
      boolean validationCost) {
    if (validationCost && compare.isEmpty()) {
      throw new IllegalArgumentException("the validation cost needs the compare server's runs");
    }
    this.settings = settings;
    this.server = server;
    this.compare = compare;
    this.withTargets = withTargets;
    this.validationCost = validationCost;
  }

  String markdown() {
    StringBuilder markdown = new StringBuilder("# Server benchmark\n\n");
    settings.forEach(line -> markdown.append("- ").append(line).append('\n'));
    markdown
        .append("\n## Results\n\n")
        .append("Median over ")
        .append(server.size())
        .append(server.size() == 1 ? " run" : " runs")
        .append(", each on a fresh server with an empty data directory; per-run values in run")
        .append(" order.")
        .append(compare.isEmpty() ? "" : " The compare server goes first in every second run.")
        .append("\n\n");
    if (compare.isEmpty()) {
      appendServerTable(markdown);
    } else {
      appendComparisonTable(markdown);
    }
    markdown.append('\n').append(failures("Failed requests", server));
    if (!compare.isEmpty()) {
      markdown.append(failures("Failed requests (compare)", compare));
    }
    if (validationCost) {
      appendValidationCost(markdown);
    }
    if (withTargets) {
      appendTargets(markdown);
    }
    return markdown.toString();
  }

  /** Validation must cost less than half of the write it guards. */
  static final double VALIDATION_SHARE_LIMIT = 0.5;

  /**
   * What validation adds to one Observation POST: the difference between the medians of the two
   * servers (end to end, what a client waits), next to the server's own validation timer.
   */
  private void appendValidationCost(StringBuilder markdown) {
    double write = Metric.INGEST_C1_P50.median(compare);
    double withValidation = Metric.INGEST_C1_P50.median(server);
    double added = withValidation - write;
    double timer = Metric.VALIDATION.median(server);
    markdown
        .append("## Validation cost\n\n")
        .append("The compare server is this server with profile validation switched off, so the")
        .append(" difference is what validation adds to one Observation POST (concurrency 1).\n\n")
        .append("| Per Observation | ms | Share of the write |\n|---|---:|---:|\n")
        .append(row("Write without validation (compare, p50)", Metric.format(write, 2), "1.00"))
        .append(
            row(
                "Write with validation (server, p50)",
                Metric.format(withValidation, 2),
                Metric.format(withValidation / write, 2)))
        .append(
            row(
                "Added by validation, end to end (difference)",
                Metric.format(added, 2),
                Metric.format(added / write, 2)))
        .append(
            row(
                "Validation inside the server (timer)",
                Metric.format(timer, 2),
                Metric.format(timer / write, 2)))
        .append("\n```text\n")
        .append(validationVerdict(added, write))
        .append("\n```\n\n");
  }

  private static String validationVerdict(double added, double write) {
    double share = added / write;
    boolean met = share < VALIDATION_SHARE_LIMIT;
    return String.format(
        "%s Validation adds %s ms to a %s ms write: %s of it (target < %s)",
        met ? "PASS" : "FAIL",
        Metric.format(added, 2),
        Metric.format(write, 2),
        Metric.format(share, 2),
        Metric.format(VALIDATION_SHARE_LIMIT, 2));
  }

  private void appendServerTable(StringBuilder markdown) {
    markdown.append("| Metric | Unit | Median | Per run |\n|---|---|---:|---|\n");
    for (Metric metric : Metric.ALL) {
      markdown.append(
          row(
              metric.label(),
              metric.unit(),
              metric.format(metric.median(server)),
              perRun(metric, server)));
    }
  }

  private void appendComparisonTable(StringBuilder markdown) {
    markdown.append(
        "| Metric | Unit | Server median | Compare median | Server / compare | Server per run"
            + " | Compare per run |\n|---|---|---:|---:|---:|---|---|\n");
    for (Metric metric : Metric.ALL) {
      double serverMedian = metric.median(server);
      double compareMedian = metric.median(compare);
      markdown.append(
          row(
              metric.label(),
              metric.unit(),
              metric.format(serverMedian),
              metric.format(compareMedian),
              Metric.format(serverMedian / compareMedian, 2),
              perRun(metric, server),
              perRun(metric, compare)));
    }
  }

  /** PASS/FAIL at the start of a line, so a CI job can grep the report or the console for it. */
  private void appendTargets(StringBuilder markdown) {
    markdown
        .append("## Targets\n\n")
        .append("Checked on the medians over all runs of the server under test")
        .append(compare.isEmpty() ? "" : " (not the compare server)")
        .append(".\n\n```text\n");
    Target.ALL.forEach(target -> markdown.append(target.verdict(server)).append('\n'));
    markdown.append("```\n");
  }

  private static String failures(String label, List<RunResult> runs) {
    int total = runs.stream().mapToInt(RunResult::failedRequests).sum();
    String perRun =
        runs.stream()
            .map(run -> Integer.toString(run.failedRequests()))
            .collect(Collectors.joining(", "));
    return label + ": " + total + " (per run: " + perRun + ")\n\n";
  }

  private static String perRun(Metric metric, List<RunResult> runs) {
    return runs.stream()
        .map(run -> metric.format(metric.value().applyAsDouble(run)))
        .collect(Collectors.joining(", "));
  }

  private static String row(String... cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }
}
