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

  /** {@code compare} is empty when no comparison server was run. */
  BenchmarkReport(
      List<String> settings, List<RunResult> server, List<RunResult> compare, boolean withTargets) {
    this.settings = settings;
    this.server = server;
    this.compare = compare;
    this.withTargets = withTargets;
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
    if (withTargets) {
      appendTargets(markdown);
    }
    return markdown.toString();
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
