package no.homemonitoring.benchmark;

import java.util.Arrays;

/** Collects request latencies from many worker threads. */
final class LatencyRecorder {

  private final long[] nanos;
  private int size;

  LatencyRecorder(int capacity) {
    nanos = new long[capacity];
  }

  synchronized void record(long elapsedNanos) {
    nanos[size++] = elapsedNanos;
  }

  /** Percentile in milliseconds, or NaN when no request got an answer. */
  synchronized double percentileMillis(double percentile) {
    if (size == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(nanos, size);
    Arrays.sort(sorted);
    return Percentiles.nearestRank(sorted, percentile) / 1_000_000.0;
  }
}
