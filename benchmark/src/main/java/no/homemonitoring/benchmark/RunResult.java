package no.homemonitoring.benchmark;

import java.time.Duration;

/**
 * Everything one run measured on one fresh server. {@code validationMillisPerIngest} is the
 * server's own profile-validation timer per Observation during the concurrency-1 ingest phase (NaN
 * when the server validates nothing).
 */
record RunResult(
    Duration startup,
    double loadedObservationsPerSecond,
    ProcessMemory memoryAfterLoad,
    PhaseResult nurseQuery,
    PhaseResult read,
    PhaseResult ingestAtConcurrency1,
    PhaseResult ingestAtConcurrency8,
    double validationMillisPerIngest,
    int failedRequests) {

  /** How much a realistic search costs compared with the cheapest request the server can serve. */
  double nurseQueryToReadRatio() {
    return nurseQuery.p50Millis() / read.p50Millis();
  }
}
