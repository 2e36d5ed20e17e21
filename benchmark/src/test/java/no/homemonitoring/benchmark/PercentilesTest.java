package no.homemonitoring.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PercentilesTest {

  private static final long[] FIVE_VALUES = {15, 20, 35, 40, 50};

  @Test
  void nearestRankPicksTheSmallestValueCoveringThePercentile() {
    assertThat(Percentiles.nearestRank(FIVE_VALUES, 5)).isEqualTo(15);
    assertThat(Percentiles.nearestRank(FIVE_VALUES, 30)).isEqualTo(20);
    assertThat(Percentiles.nearestRank(FIVE_VALUES, 40)).isEqualTo(20);
    assertThat(Percentiles.nearestRank(FIVE_VALUES, 50)).isEqualTo(35);
    assertThat(Percentiles.nearestRank(FIVE_VALUES, 100)).isEqualTo(50);
  }

  @Test
  void nearestRankNeverInterpolates() {
    long[] values = {10, 20, 30, 40};

    assertThat(Percentiles.nearestRank(values, 50)).isEqualTo(20);
    assertThat(Percentiles.nearestRank(values, 51)).isEqualTo(30);
  }

  @Test
  void p99OfTwoThousandRequestsIsThe1980thFastest() {
    long[] latencies = new long[2000];
    for (int i = 0; i < latencies.length; i++) {
      latencies[i] = i + 1;
    }

    assertThat(Percentiles.nearestRank(latencies, 50)).isEqualTo(1000);
    assertThat(Percentiles.nearestRank(latencies, 95)).isEqualTo(1900);
    assertThat(Percentiles.nearestRank(latencies, 99)).isEqualTo(1980);
  }

  @Test
  void aSingleValueIsEveryPercentile() {
    assertThat(Percentiles.nearestRank(new long[] {7}, 1)).isEqualTo(7);
    assertThat(Percentiles.nearestRank(new long[] {7}, 99)).isEqualTo(7);
  }

  @Test
  void nearestRankRejectsNoValuesAndPercentilesOutsideTheRange() {
    assertThatThrownBy(() -> Percentiles.nearestRank(new long[0], 50))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Percentiles.nearestRank(FIVE_VALUES, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Percentiles.nearestRank(FIVE_VALUES, 100.1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void medianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
    assertThat(Percentiles.median(new double[] {14.2, 9.8, 30.1})).isEqualTo(14.2);
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
    assertThat(Percentiles.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
  }

  @Test
  void medianLeavesOutRunsThatCouldNotMeasure() {
    assertThat(Percentiles.median(new double[] {Double.NaN, 5, 7})).isEqualTo(6);
    assertThat(Percentiles.median(new double[] {Double.NaN})).isNaN();
    assertThat(Percentiles.median(new double[0])).isNaN();
  }

  @Test
  void medianDoesNotReorderTheCallersValues() {
    double[] values = {3, 1, 2};

    Percentiles.median(values);

    assertThat(values).containsExactly(3, 1, 2);
  }
}
