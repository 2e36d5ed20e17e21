package no.homemonitoring.bridge.gatt;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * A PLX Spot-check (0x2A5E) or PLX Continuous (0x2A5F) Measurement value, as far as v1 uses it:
 * SpO2 and pulse rate, the time and the Measurement Status. The fast and slow values of a
 * continuous frame, the Device and Sensor Status and the Pulse Amplitude Index are checked for
 * presence and not used.
 *
 * @param spo2 oxygen saturation in percent, empty for a special value
 * @param pulseRate pulse rate per minute, empty for a special value
 * @param timestamp the device time, or null when the frame has none (always for continuous)
 * @param clockSet false when the device says its clock is not set
 * @param measurementStatus the Measurement Status bits (0 when the frame has none)
 */
record PulseOximetryFrame(
    Optional<BigDecimal> spo2,
    Optional<BigDecimal> pulseRate,
    GattDateTime timestamp,
    boolean clockSet,
    int measurementStatus) {

  private static final int SPOT_CHECK_TIMESTAMP_PRESENT = 0x01;
  private static final int SPOT_CHECK_STATUS_PRESENT = 0x02;
  private static final int SPOT_CHECK_SENSOR_STATUS_PRESENT = 0x04;
  private static final int SPOT_CHECK_PULSE_AMPLITUDE_PRESENT = 0x08;
  private static final int SPOT_CHECK_CLOCK_NOT_SET = 0x10;

  private static final int CONTINUOUS_FAST_PRESENT = 0x01;
  private static final int CONTINUOUS_SLOW_PRESENT = 0x02;
  private static final int CONTINUOUS_STATUS_PRESENT = 0x04;
  private static final int CONTINUOUS_SENSOR_STATUS_PRESENT = 0x08;
  private static final int CONTINUOUS_PULSE_AMPLITUDE_PRESENT = 0x10;

  private static final int SFLOAT_PAIR = 4;
  private static final int SFLOAT = 2;
  private static final int SENSOR_STATUS = 3;

  private static final int DEMO_DATA = 1 << 10;
  private static final int TESTING_DATA = 1 << 11;
  private static final int MEASUREMENT_UNAVAILABLE = 1 << 13;
  private static final int QUESTIONABLE = 1 << 14;
  private static final int INVALID = 1 << 15;

  static PulseOximetryFrame spotCheck(FrameReader reader) {
    int flags = reader.uint8("flags");
    Optional<BigDecimal> spo2 = reader.sfloat("SpO2");
    Optional<BigDecimal> pulseRate = reader.sfloat("pulse rate");
    GattDateTime timestamp =
        (flags & SPOT_CHECK_TIMESTAMP_PRESENT) != 0 ? reader.dateTime("timestamp") : null;
    int status = (flags & SPOT_CHECK_STATUS_PRESENT) != 0 ? reader.uint16("measurement status") : 0;
    if ((flags & SPOT_CHECK_SENSOR_STATUS_PRESENT) != 0) {
      reader.skip(SENSOR_STATUS, "device and sensor status");
    }
    if ((flags & SPOT_CHECK_PULSE_AMPLITUDE_PRESENT) != 0) {
      reader.skip(SFLOAT, "pulse amplitude index");
    }
    boolean clockSet = (flags & SPOT_CHECK_CLOCK_NOT_SET) == 0;
    return new PulseOximetryFrame(spo2, pulseRate, timestamp, clockSet, status);
  }

  static PulseOximetryFrame continuous(FrameReader reader) {
    int flags = reader.uint8("flags");
    Optional<BigDecimal> spo2 = reader.sfloat("SpO2");
    Optional<BigDecimal> pulseRate = reader.sfloat("pulse rate");
    if ((flags & CONTINUOUS_FAST_PRESENT) != 0) {
      reader.skip(SFLOAT_PAIR, "fast SpO2 and pulse rate");
    }
    if ((flags & CONTINUOUS_SLOW_PRESENT) != 0) {
      reader.skip(SFLOAT_PAIR, "slow SpO2 and pulse rate");
    }
    int status = (flags & CONTINUOUS_STATUS_PRESENT) != 0 ? reader.uint16("measurement status") : 0;
    if ((flags & CONTINUOUS_SENSOR_STATUS_PRESENT) != 0) {
      reader.skip(SENSOR_STATUS, "device and sensor status");
    }
    if ((flags & CONTINUOUS_PULSE_AMPLITUDE_PRESENT) != 0) {
      reader.skip(SFLOAT, "pulse amplitude index");
    }
    return new PulseOximetryFrame(spo2, pulseRate, null, true, status);
  }

  /**
   * Why the values are not a measurement of the patient, if the status says so: demonstration or
   * test data, no measurement available, or an invalid one.
   */
  Optional<String> notAMeasurement() {
    if ((measurementStatus & DEMO_DATA) != 0) {
      return Optional.of("measurement-status:demo-data");
    }
    if ((measurementStatus & TESTING_DATA) != 0) {
      return Optional.of("measurement-status:testing-data");
    }
    if ((measurementStatus & MEASUREMENT_UNAVAILABLE) != 0) {
      return Optional.of("measurement-status:unavailable");
    }
    if ((measurementStatus & INVALID) != 0) {
      return Optional.of("measurement-status:invalid");
    }
    return Optional.empty();
  }

  /** Whether the device marks the values as questionable (they are kept, flagged). */
  boolean questionable() {
    return (measurementStatus & QUESTIONABLE) != 0;
  }
}
