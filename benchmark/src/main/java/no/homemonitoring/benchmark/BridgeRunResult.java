package no.homemonitoring.benchmark;

import java.time.Duration;
import java.util.List;

/** What one run measured on one database: a result per concurrency level. */
record BridgeRunResult(
    Database database, Duration startup, List<LevelResult> levels, int failedRequests) {

  BridgeRunResult {
    levels = List.copyOf(levels);
  }

  /**
   * One concurrency level: the plain FHIR POSTs, the bridge's acknowledgements, and the time from
   * the first push until the last of the {@code stored} Observations could be found.
   */
  record LevelResult(
      int concurrency, PhaseResult plain, PhaseResult ack, Duration endToEnd, int stored) {

    double plainPerSecond() {
      return plain.requestsPerSecond();
    }

    /** Measurements stored and searchable per second, end to end. */
    double bridgePerSecond() {
      return stored / (endToEnd.toNanos() / 1e9);
    }
  }
}
