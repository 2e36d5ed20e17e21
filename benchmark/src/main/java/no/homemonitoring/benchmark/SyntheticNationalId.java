package no.homemonitoring.benchmark;

import java.time.LocalDate;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Norwegian fødselsnummer (DDMMYYIIIKK) for synthetic persons. The month is offset by 80, the
 * convention for synthetic test persons, so a generated number can never identify a real person,
 * yet both mod-11 check digits are valid and the number passes the same validation as a real one.
 */
final class SyntheticNationalId {

  static final String SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.1";

  private static final int SYNTHETIC_MONTH_OFFSET = 80;
  private static final int[] FIRST_CHECK_WEIGHTS = {3, 7, 6, 1, 8, 9, 4, 5, 2};
  private static final int[] SECOND_CHECK_WEIGHTS = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};

  private SyntheticNationalId() {}

  /**
   * Returns empty when a check digit would be 10: no number exists for that individual number on
   * that date, and the caller has to pick another one.
   */
  static Optional<String> of(LocalDate birthDate, int individualNumber) {
    if (individualNumber < 0 || individualNumber > 999) {
      throw new IllegalArgumentException("individual number must have three digits");
    }
    String digits =
        String.format(
            "%02d%02d%02d%03d",
            birthDate.getDayOfMonth(),
            birthDate.getMonthValue() + SYNTHETIC_MONTH_OFFSET,
            birthDate.getYear() % 100,
            individualNumber);
    OptionalInt first = checkDigit(digits, FIRST_CHECK_WEIGHTS);
    if (first.isEmpty()) {
      return Optional.empty();
    }
    digits += first.getAsInt();
    OptionalInt second = checkDigit(digits, SECOND_CHECK_WEIGHTS);
    if (second.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(digits + second.getAsInt());
  }

  private static OptionalInt checkDigit(String digits, int[] weights) {
    int sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += (digits.charAt(i) - '0') * weights[i];
    }
    int digit = 11 - sum % 11;
    if (digit == 11) {
      return OptionalInt.of(0);
    }
    return digit == 10 ? OptionalInt.empty() : OptionalInt.of(digit);
  }
}
