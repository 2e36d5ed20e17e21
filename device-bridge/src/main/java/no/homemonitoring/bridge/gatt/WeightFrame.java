package no.homemonitoring.bridge.gatt;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * A Weight Measurement (0x2A9D) value: {@code Flags u8 | Weight u16 | [Timestamp 7] | [User ID u8]
 * | [BMI u16, Height u16]}, the raw integers already multiplied by their resolutions.
 *
 * @param massUnit the gatt-unit code of the weight ({@code kg} or {@code lb})
 * @param lengthUnit the gatt-unit code of the height ({@code m} or {@code in})
 * @param weight the weight, empty when the scale reports "Measurement Unsuccessful"
 * @param timestamp the device time, or null when the frame has none
 * @param userId the device's user index, or null when the frame has none
 * @param bmi the body mass index, or null when the frame has none
 * @param height the body height, or null when the frame has none
 */
record WeightFrame(
    String massUnit,
    String lengthUnit,
    Optional<BigDecimal> weight,
    GattDateTime timestamp,
    Integer userId,
    BigDecimal bmi,
    BigDecimal height) {

  private static final int IMPERIAL = 0x01;
  private static final int TIMESTAMP_PRESENT = 0x02;
  private static final int USER_ID_PRESENT = 0x04;
  private static final int BMI_AND_HEIGHT_PRESENT = 0x08;

  /** The weight field's "Measurement Unsuccessful" value. */
  private static final int UNSUCCESSFUL = 0xFFFF;

  // The resolutions of the Bluetooth encoding (the Weight Scale Feature may state a coarser real
  // resolution, but the encoding stays the same).
  private static final BigDecimal KILOGRAM_RESOLUTION = new BigDecimal("0.005");
  private static final BigDecimal POUND_RESOLUTION = new BigDecimal("0.01");
  private static final BigDecimal METRE_RESOLUTION = new BigDecimal("0.001");
  private static final BigDecimal INCH_RESOLUTION = new BigDecimal("0.1");
  private static final BigDecimal BMI_RESOLUTION = new BigDecimal("0.1");

  static WeightFrame read(FrameReader reader) {
    int flags = reader.uint8("flags");
    boolean imperial = (flags & IMPERIAL) != 0;
    int rawWeight = reader.uint16("weight");
    Optional<BigDecimal> weight =
        rawWeight == UNSUCCESSFUL
            ? Optional.empty()
            : Optional.of(scaled(rawWeight, imperial ? POUND_RESOLUTION : KILOGRAM_RESOLUTION));
    GattDateTime timestamp = (flags & TIMESTAMP_PRESENT) != 0 ? reader.dateTime("timestamp") : null;
    Integer userId = (flags & USER_ID_PRESENT) != 0 ? reader.uint8("user ID") : null;
    BigDecimal bmi = null;
    BigDecimal height = null;
    if ((flags & BMI_AND_HEIGHT_PRESENT) != 0) {
      bmi = scaled(reader.uint16("BMI"), BMI_RESOLUTION);
      height = scaled(reader.uint16("height"), imperial ? INCH_RESOLUTION : METRE_RESOLUTION);
    }
    return new WeightFrame(
        imperial ? "lb" : "kg", imperial ? "in" : "m", weight, timestamp, userId, bmi, height);
  }

  /** Raw × resolution, exact: the scale of the resolution is the precision of the value. */
  private static BigDecimal scaled(int raw, BigDecimal resolution) {
    return BigDecimal.valueOf(raw).multiply(resolution);
  }

  boolean hasBmiAndHeight() {
    return bmi != null;
  }
}
