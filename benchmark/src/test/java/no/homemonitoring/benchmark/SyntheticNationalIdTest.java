package no.homemonitoring.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SyntheticNationalIdTest {

  @Test
  void reproducesAKnownSyntheticNumber() {
    assertThat(SyntheticNationalId.of(LocalDate.of(1950, 3, 15), 101)).contains("15835010187");
  }

  @Test
  void monthIsOffsetBy80SoNoRealPersonCanHaveTheNumber() {
    assertThat(SyntheticNationalId.of(LocalDate.of(1944, 12, 1), 7))
        .hasValueSatisfying(id -> assertThat(id).hasSize(11).startsWith("019244007"));
  }

  /**
   * Tries all hundred pairs of check digits for every individual number of one birth date: the
   * generator must return the one valid pair, or nothing when no pair is valid (check digit 10).
   */
  @Test
  void issuesTheValidNumberOrSkipsWhenNoneExists() {
    LocalDate birthDate = LocalDate.of(1938, 7, 24);
    int skipped = 0;
    for (int individualNumber = 0; individualNumber < 1000; individualNumber++) {
      String nineDigits = String.format("248738%03d", individualNumber);
      List<String> valid =
          IntStream.range(0, 100)
              .mapToObj(checkDigits -> nineDigits + String.format("%02d", checkDigits))
              .filter(SyntheticNationalIdTest::hasValidCheckDigits)
              .toList();

      assertThat(SyntheticNationalId.of(birthDate, individualNumber).stream().toList())
          .as("individual number %03d", individualNumber)
          .isEqualTo(valid);
      skipped += valid.isEmpty() ? 1 : 0;
    }
    // Roughly one in six has a check digit of 10; a test that never skips proves nothing.
    assertThat(skipped).isBetween(100, 300);
  }

  @Test
  void rejectsIndividualNumbersWithMoreThanThreeDigits() {
    assertThatThrownBy(() -> SyntheticNationalId.of(LocalDate.of(1950, 3, 15), 1000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * The rule as the specification states it, independent of the generator: weighting the check
   * digit itself with 1, each weighted sum is divisible by 11.
   */
  private static boolean hasValidCheckDigits(String nationalId) {
    int[] first = {3, 7, 6, 1, 8, 9, 4, 5, 2, 1};
    int[] second = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1};
    return weightedSum(nationalId, first) % 11 == 0 && weightedSum(nationalId, second) % 11 == 0;
  }

  private static int weightedSum(String digits, int[] weights) {
    int sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += Character.digit(digits.charAt(i), 10) * weights[i];
    }
    return sum;
  }
}
