package no.homemonitoring.benchmark;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** One row of the report: a number every run produces. */
record Metric(String label, String unit, int decimals, ToDoubleFunction<RunResult> value) {

  static final Metric STARTUP =
      new Metric("Startup until /metadata answers", "s", 1, run -> run.startup().toMillis() / 1e3);
  static final Metric LOAD =
      new Metric(
          "Load throughput (transactions, concurrency 2)",
          "Observations/s",
          0,
          RunResult::loadedObservationsPerSecond);
  static final Metric RSS_AFTER_LOAD =
      new Metric(
          "RSS after load (VmRSS)", "MiB", 0, run -> run.memoryAfterLoad().residentMebibytes());
  static final Metric PEAK_RSS =
      new Metric(
          "Peak RSS after load (VmHWM)",
          "MiB",
          0,
          run -> run.memoryAfterLoad().peakResidentMebibytes());
  static final Metric INGEST_C1_P50 =
      new Metric(
          "Ingest concurrency 1 p50", "ms", 1, run -> run.ingestAtConcurrency1().p50Millis());
  static final Metric VALIDATION =
      new Metric(
          "Profile validation per Observation (server timer, ingest concurrency 1)",
          "ms",
          2,
          RunResult::validationMillisPerIngest);
  static final Metric NURSE_P95 =
      new Metric("Nurse query p95", "ms", 1, run -> run.nurseQuery().p95Millis());

  static final List<Metric> ALL =
      List.of(
          STARTUP,
          LOAD,
          RSS_AFTER_LOAD,
          PEAK_RSS,
          new Metric("Nurse query p50", "ms", 1, run -> run.nurseQuery().p50Millis()),
          NURSE_P95,
          new Metric("Nurse query p99", "ms", 1, run -> run.nurseQuery().p99Millis()),
          new Metric(
              "Nurse query throughput",
              "queries/s",
              0,
              run -> run.nurseQuery().requestsPerSecond()),
          new Metric("Read by id p50", "ms", 1, run -> run.read().p50Millis()),
          new Metric("Read by id p95", "ms", 1, run -> run.read().p95Millis()),
          new Metric("Nurse query p50 / read p50", "ratio", 1, RunResult::nurseQueryToReadRatio),
          new Metric(
              "Ingest concurrency 1 throughput",
              "Observations/s",
              0,
              run -> run.ingestAtConcurrency1().requestsPerSecond()),
          INGEST_C1_P50,
          new Metric(
              "Ingest concurrency 1 p95", "ms", 1, run -> run.ingestAtConcurrency1().p95Millis()),
          new Metric(
              "Ingest concurrency 1 p99", "ms", 1, run -> run.ingestAtConcurrency1().p99Millis()),
          new Metric(
              "Ingest concurrency 8 throughput",
              "Observations/s",
              0,
              run -> run.ingestAtConcurrency8().requestsPerSecond()),
          new Metric(
              "Ingest concurrency 8 p50", "ms", 1, run -> run.ingestAtConcurrency8().p50Millis()),
          new Metric(
              "Ingest concurrency 8 p95", "ms", 1, run -> run.ingestAtConcurrency8().p95Millis()),
          new Metric(
              "Ingest concurrency 8 p99", "ms", 1, run -> run.ingestAtConcurrency8().p99Millis()),
          VALIDATION);

  double median(List<RunResult> runs) {
    return Percentiles.median(runs.stream().mapToDouble(value).toArray());
  }

  String format(double number) {
    return format(number, decimals);
  }

  static String format(double number, int decimals) {
    return Double.isNaN(number) || Double.isInfinite(number)
        ? "n/a"
        : String.format(Locale.ROOT, "%." + decimals + "f", number);
  }
}
