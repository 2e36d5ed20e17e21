package no.homemonitoring.benchmark;

import java.util.Arrays;

/** The two statistics the report uses: nearest-rank percentiles of latencies, medians of runs. */
final class Percentiles {

  private Percentiles() {}

  /**
   * Nearest-rank percentile: the smallest value such that at least {@code percentile} per cent of
   * the values are less than or equal to it. Always an observed value, never an interpolation, so
   * p99 of 2000 requests is the 1980th fastest request.
   */
  static long nearestRank(long[] sortedValues, double percentile) {
    if (sortedValues.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100]: " + percentile);
    }
    int rank = (int) Math.ceil(percentile / 100 * sortedValues.length);
    return sortedValues[rank - 1];
  }

  /**
   * The middle value, or the mean of the two middle values for an even count. NaN values (a metric
   * a run could not measure) are left out; NaN if nothing is left.
   */
  static double median(double[] values) {
    double[] sorted =
        Arrays.stream(values).filter(value -> !Double.isNaN(value)).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
