package no.homemonitoring.bridge.withings;

import static no.homemonitoring.bridge.withings.WithingsTestData.example;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WithingsNotificationTest {

  @Test
  void theBloodPressureNotificationAsksForAPullOfItsWindow() {
    WithingsNotification notification =
        WithingsNotification.parse(example("withings-notification-bp.form"));

    assertThat(notification)
        .isEqualTo(
            new WithingsNotification(
                "38271234",
                4,
                Instant.ofEpochSecond(1736147112),
                Instant.ofEpochSecond(1736147113),
                Map.of()));
    assertThat(notification.isMeasurementCategory()).isTrue();
  }

  @Test
  void theWeightNotificationIsAMeasurementCategoryToo() {
    WithingsNotification notification =
        WithingsNotification.parse(example("withings-notification-weight.form"));

    assertThat(notification.userId()).isEqualTo("38271234");
    assertThat(notification.appli()).isEqualTo(1);
    assertThat(notification.startDate()).isEqualTo(Instant.ofEpochSecond(1736145100));
    assertThat(notification.endDate()).isEqualTo(Instant.ofEpochSecond(1736145101));
    assertThat(notification.isMeasurementCategory()).isTrue();
  }

  @Test
  void otherFieldsAreKeptAndOtherCategoriesAreNoMeasurement() {
    WithingsNotification sleep =
        WithingsNotification.parse(
            "userid=38271234&appli=44&startdate=1736100000&enddate=1736130000"
                + "&deviceid=abc%20def&date=2025-01-06\r\n");

    assertThat(sleep.isMeasurementCategory()).isFalse();
    assertThat(sleep.others())
        .containsOnly(Map.entry("deviceid", "abc def"), Map.entry("date", "2025-01-06"));
  }

  @Test
  void aCategoryWithoutAWindowIsAcceptedWhenItIsNoMeasurement() {
    WithingsNotification unlink =
        WithingsNotification.parse("userid=38271234&appli=46&action=unlink");

    assertThat(unlink.startDate()).isNull();
    assertThat(unlink.endDate()).isNull();
    assertThat(unlink.others()).containsOnly(Map.entry("action", "unlink"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "appli=4&startdate=1&enddate=2",
        "userid=&appli=4&startdate=1&enddate=2",
        "userid=abc&appli=4&startdate=1&enddate=2",
        "userid=1&startdate=1&enddate=2",
        "userid=1&appli=four&startdate=1&enddate=2",
        "userid=1&appli=99999999999&startdate=1&enddate=2",
        "userid=1&appli=4",
        "userid=1&appli=4&startdate=1",
        "userid=1&appli=4&startdate=yesterday&enddate=2",
        "userid=1&appli=4&startdate=3&enddate=2",
        "userid=1&userid=2&appli=4&startdate=1&enddate=2",
        "userid=1&appli=4&startdate=1&enddate=2&x=%zz",
        "{\"userid\": 1}"
      })
  void aMalformedFormIsRefusedWithAReason(String form) {
    assertThatThrownBy(() -> WithingsNotification.parse(form))
        .isInstanceOf(MalformedNotificationException.class)
        .hasMessageStartingWith("Withings");
  }
}
