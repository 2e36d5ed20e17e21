package no.homemonitoring.bridge.gatt;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.Set;

/**
 * The IEEE 11073-20601 number types of the Bluetooth health characteristics: SFLOAT (16 bit) and
 * FLOAT (32 bit), both mantissa × 10^exponent.
 *
 * <p>The value keeps the precision the device reports ({@code 0xF014} is 2.0, not 2), because a
 * device that sends a decimal means it. The special values (NaN, NRes, ±INFINITY and the reserved
 * one) are recognised on the raw bits, before any arithmetic, and mean that the field is absent.
 */
public final class GattNumbers {

  /** NaN, NRes, +INFINITY, -INFINITY and reserved, in that order. */
  private static final Set<Integer> SFLOAT_SPECIAL = Set.of(0x07FF, 0x0800, 0x07FE, 0x0802, 0x0801);

  private static final Set<Integer> FLOAT_SPECIAL =
      Set.of(0x007FFFFF, 0x00800000, 0x007FFFFE, 0x00800002, 0x00800001);

  private GattNumbers() {}

  /**
   * An SFLOAT: signed 4-bit exponent (bits 15-12), signed 12-bit mantissa (bits 11-0).
   *
   * @param raw the 16 bits as read (little-endian already resolved), in the low bits of the int
   * @return the value, or empty for a special value
   */
  public static Optional<BigDecimal> sfloat(int raw) {
    int bits = raw & 0xFFFF;
    if (SFLOAT_SPECIAL.contains(bits)) {
      return Optional.empty();
    }
    int exponent = signExtend(bits >>> 12, 4);
    int mantissa = signExtend(bits & 0x0FFF, 12);
    return Optional.of(BigDecimal.valueOf(mantissa, -exponent));
  }

  /**
   * A FLOAT: signed 8-bit exponent (bits 31-24), signed 24-bit mantissa (bits 23-0).
   *
   * @param raw the 32 bits as read (little-endian already resolved)
   * @return the value, or empty for a special value
   */
  public static Optional<BigDecimal> float32(int raw) {
    if (FLOAT_SPECIAL.contains(raw)) {
      return Optional.empty();
    }
    int exponent = raw >> 24;
    int mantissa = signExtend(raw & 0x00FFFFFF, 24);
    return Optional.of(BigDecimal.valueOf(mantissa, -exponent));
  }

  private static int signExtend(int value, int bits) {
    int unused = Integer.SIZE - bits;
    return (value << unused) >> unused;
  }
}
