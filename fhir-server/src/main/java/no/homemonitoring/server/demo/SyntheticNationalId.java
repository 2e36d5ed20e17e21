package no.homemonitoring.server.demo;

import java.time.LocalDate;

/**
 * Synthetic Norwegian fødselsnummer for test and demo data: the national test-data convention adds
 * 80 to the month, so the numbers are well-formed (both mod-11 check digits valid) yet can never
 * belong to a real person.
 */
public final class SyntheticNationalId {

  private static final int[] FIRST_CHECK_WEIGHTS = {3, 7, 6, 1, 8, 9, 4, 5, 2};
  private static final int[] SECOND_CHECK_WEIGHTS = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};

  private SyntheticNationalId() {}

  /**
   * The first valid synthetic number for the birth date whose individual number is at least {@code
   * individualFrom} (individual numbers 000–499 are those of people born 1900–1999).
   */
  public static String forBirthDate(LocalDate birthDate, int individualFrom) {
    if (birthDate.getYear() < 1900 || birthDate.getYear() > 1999) {
      throw new IllegalArgumentException("Only births 1900-1999 are supported: " + birthDate);
    }
    String prefix =
        String.format(
            "%02d%02d%02d",
            birthDate.getDayOfMonth(), birthDate.getMonthValue() + 80, birthDate.getYear() % 100);
    for (int individual = individualFrom; individual <= 499; individual++) {
      String base = prefix + String.format("%03d", individual);
      int first = checkDigit(base, FIRST_CHECK_WEIGHTS);
      if (first < 0) {
        continue;
      }
      int second = checkDigit(base + first, SECOND_CHECK_WEIGHTS);
      if (second >= 0) {
        return base + first + second;
      }
    }
    throw new IllegalArgumentException("No valid number left for " + birthDate);
  }

  /** Whether both check digits of an 11-digit number are right. */
  public static boolean hasValidCheckDigits(String number) {
    if (number == null || !number.matches("\\d{11}")) {
      return false;
    }
    return checkDigit(number.substring(0, 9), FIRST_CHECK_WEIGHTS) == number.charAt(9) - '0'
        && checkDigit(number.substring(0, 10), SECOND_CHECK_WEIGHTS) == number.charAt(10) - '0';
  }

  /** The mod-11 check digit, or -1 when the remainder makes the number invalid. */
  private static int checkDigit(String digits, int[] weights) {
    int sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += (digits.charAt(i) - '0') * weights[i];
    }
    int check = 11 - sum % 11;
    if (check == 11) {
      return 0;
    }
    return check == 10 ? -1 : check;
  }
}
