package no.homemonitoring.bridge.gatt;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Blood Pressure Measurement (0x2A35) value: {@code Flags u8 | SBP | DBP | MAP | [Timestamp 7] |
 * [Pulse] | [User ID u8] | [Status u16]}, the pressures and pulse as SFLOAT.
 *
 * @param pressureUnit the gatt-unit code of the pressures ({@code mmHg} or {@code kPa})
 * @param systolic systolic pressure, empty for a special value
 * @param diastolic diastolic pressure, empty for a special value
 * @param meanArterial mean arterial pressure, empty for a special value
 * @param timestamp the device time, or null when the frame has none
 * @param hasPulse whether the frame has a pulse rate field (it may hold a special value)
 * @param pulse pulse rate, empty when the frame has none or a special value
 * @param userId the device's user index, or null when the frame has none
 * @param status the Measurement Status bits (0 when the frame has none)
 */
record BloodPressureFrame(
    String pressureUnit,
    Optional<BigDecimal> systolic,
    Optional<BigDecimal> diastolic,
    Optional<BigDecimal> meanArterial,
    GattDateTime timestamp,
    boolean hasPulse,
    Optional<BigDecimal> pulse,
    Integer userId,
    int status) {

  private static final int KILOPASCAL = 0x01;
  private static final int TIMESTAMP_PRESENT = 0x02;
  private static final int PULSE_PRESENT = 0x04;
  private static final int USER_ID_PRESENT = 0x08;
  private static final int STATUS_PRESENT = 0x10;

  private static final int BODY_MOVEMENT = 0x01;
  private static final int CUFF_TOO_LOOSE = 0x02;
  private static final int IRREGULAR_PULSE = 0x04;
  private static final int PULSE_RANGE_SHIFT = 3;
  private static final int PULSE_RANGE_MASK = 0x03;
  private static final int PULSE_ABOVE_UPPER_LIMIT = 1;
  private static final int PULSE_BELOW_LOWER_LIMIT = 2;
  private static final int IMPROPER_POSITION = 0x20;

  static BloodPressureFrame read(FrameReader reader) {
    int flags = reader.uint8("flags");
    String unit = (flags & KILOPASCAL) != 0 ? "kPa" : "mmHg";
    Optional<BigDecimal> systolic = reader.sfloat("systolic pressure");
    Optional<BigDecimal> diastolic = reader.sfloat("diastolic pressure");
    Optional<BigDecimal> meanArterial = reader.sfloat("mean arterial pressure");
    GattDateTime timestamp = (flags & TIMESTAMP_PRESENT) != 0 ? reader.dateTime("timestamp") : null;
    boolean hasPulse = (flags & PULSE_PRESENT) != 0;
    Optional<BigDecimal> pulse = hasPulse ? reader.sfloat("pulse rate") : Optional.empty();
    Integer userId = (flags & USER_ID_PRESENT) != 0 ? reader.uint8("user ID") : null;
    int status = (flags & STATUS_PRESENT) != 0 ? reader.uint16("measurement status") : 0;
    return new BloodPressureFrame(
        unit, systolic, diastolic, meanArterial, timestamp, hasPulse, pulse, userId, status);
  }

  /**
   * The set status flags as codes of the gatt-bp-status code system, in bit order. The pulse range
   * field's reserved value 3 says nothing and is left out.
   */
  List<String> statusCodes() {
    List<String> codes = new ArrayList<>();
    if ((status & BODY_MOVEMENT) != 0) {
      codes.add("body-movement");
    }
    if ((status & CUFF_TOO_LOOSE) != 0) {
      codes.add("cuff-too-loose");
    }
    if ((status & IRREGULAR_PULSE) != 0) {
      codes.add("irregular-pulse");
    }
    int pulseRange = (status >> PULSE_RANGE_SHIFT) & PULSE_RANGE_MASK;
    if (pulseRange == PULSE_ABOVE_UPPER_LIMIT) {
      codes.add("pulse-over-range");
    } else if (pulseRange == PULSE_BELOW_LOWER_LIMIT) {
      codes.add("pulse-under-range");
    }
    if ((status & IMPROPER_POSITION) != 0) {
      codes.add("improper-position");
    }
    return codes;
  }
}
