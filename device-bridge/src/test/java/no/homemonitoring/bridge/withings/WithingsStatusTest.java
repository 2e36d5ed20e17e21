package no.homemonitoring.bridge.withings;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WithingsStatusTest {

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "0, OK",
    "100, AUTH",
    "101, AUTH",
    "102, AUTH",
    "200, AUTH",
    "401, AUTH",
    "214, UNAUTHORIZED",
    "277, UNAUTHORIZED",
    "2553, UNAUTHORIZED",
    "2555, UNAUTHORIZED",
    "201, INVALID_PARAMS",
    "293, INVALID_PARAMS",
    "382, INVALID_PARAMS",
    "400, INVALID_PARAMS",
    "501, INVALID_PARAMS",
    "511, INVALID_PARAMS",
    "522, TIMEOUT",
    "524, BAD_STATE",
    "601, TOO_MANY_REQUESTS",
    "215, OTHER",
    "507, OTHER",
    "2554, UNAUTHORIZED",
    "9999, OTHER",
    "-1, OTHER"
  })
  void eachStatusHasTheClassThePullerActsOn(int status, WithingsStatus expected) {
    assertThat(WithingsStatus.of(status)).isEqualTo(expected);
  }
}
