package no.homemonitoring.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class SyntheticNationalIdTest {

  @Test
  void knownSyntheticNumberHasValidCheckDigits() {
    assertThat(SyntheticNationalId.hasValidCheckDigits("15835010187")).isTrue();
  }

  @Test
  void changedDigitBreaksTheCheckDigits() {
    assertThat(SyntheticNationalId.hasValidCheckDigits("15835010188")).isFalse();
    assertThat(SyntheticNationalId.hasValidCheckDigits("15835010177")).isFalse();
    assertThat(SyntheticNationalId.hasValidCheckDigits("1583501018")).isFalse();
  }

  @Test
  void generatedNumberEncodesTheBirthDateWithTheSyntheticMonth() {
    String number = SyntheticNationalId.forBirthDate(LocalDate.of(1950, 3, 15), 10);

    assertThat(number).startsWith("158350").hasSize(11);
    assertThat(SyntheticNationalId.hasValidCheckDigits(number)).isTrue();
    assertThat(number.substring(6, 9)).isGreaterThanOrEqualTo("010");
  }

  @Test
  void everyGeneratedNumberOfAYearIsValid() {
    for (LocalDate date = LocalDate.of(1944, 1, 1);
        date.getYear() == 1944;
        date = date.plusDays(1)) {
      assertThat(SyntheticNationalId.hasValidCheckDigits(SyntheticNationalId.forBirthDate(date, 0)))
          .as(date.toString())
          .isTrue();
    }
  }

  @Test
  void birthYearOutsideTheSupportedCenturyIsRefused() {
    assertThatThrownBy(() -> SyntheticNationalId.forBirthDate(LocalDate.of(2001, 1, 1), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
