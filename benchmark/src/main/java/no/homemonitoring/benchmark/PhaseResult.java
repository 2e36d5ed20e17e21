package no.homemonitoring.benchmark;

import java.time.Duration;

/** What one phase of a run (say, 2000 nurse queries at concurrency 8) measured. */
record PhaseResult(
    int requests,
    int failures,
    Duration elapsed,
    double p50Millis,
    double p95Millis,
    double p99Millis) {

  double requestsPerSecond() {
    return requests / seconds();
  }

  double seconds() {
    return elapsed.toNanos() / 1e9;
  }
}
