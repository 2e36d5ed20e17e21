package no.homemonitoring.bridge.gatt;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.Optional;

/**
 * The Bluetooth Date Time field as the device sent it: local wall-clock time with no zone or
 * daylight-saving field, where 0 in year, month or day means "not known".
 */
record GattDateTime(int year, int month, int day, int hours, int minutes, int seconds) {

  /**
   * The wall-clock time, or empty when the device does not know the date (a 0 field) or a field is
   * out of range: such a time names no instant.
   */
  Optional<LocalDateTime> wallClock() {
    if (year == 0 || month == 0 || day == 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDateTime.of(year, month, day, hours, minutes, seconds));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The fields as reported, {@code yyyyMMddHHmmss} (year 0 is {@code 0000}). Identities use this
   * rather than the corrected time, so that every gateway that relays a re-sent record computes the
   * same one.
   */
  String asReported() {
    return "%04d%02d%02d%02d%02d%02d".formatted(year, month, day, hours, minutes, seconds);
  }

  /** Whether every field is 0: a device without a clock, whose field tells no records apart. */
  boolean isBlank() {
    return year == 0 && month == 0 && day == 0 && hours == 0 && minutes == 0 && seconds == 0;
  }
}
