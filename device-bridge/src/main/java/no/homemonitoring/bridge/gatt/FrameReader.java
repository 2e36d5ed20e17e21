package no.homemonitoring.bridge.gatt;

import java.math.BigDecimal;
import java.util.Optional;
import no.homemonitoring.bridge.PayloadException;

/**
 * Reads the little-endian fields of one characteristic value in order. A field the flags announce
 * but the frame does not hold makes the whole payload a bad request: a truncated frame is never
 * stored in part. Bytes after the last announced field are left unread (newer devices may append
 * fields).
 */
final class FrameReader {

  private final byte[] frame;
  private final Characteristic characteristic;
  private int position;

  FrameReader(byte[] frame, Characteristic characteristic) {
    this.frame = frame.clone();
    this.characteristic = characteristic;
  }

  int uint8(String field) {
    require(1, field);
    return frame[position++] & 0xFF;
  }

  int uint16(String field) {
    require(2, field);
    int value = (frame[position] & 0xFF) | (frame[position + 1] & 0xFF) << 8;
    position += 2;
    return value;
  }

  int uint24(String field) {
    require(3, field);
    int value =
        (frame[position] & 0xFF)
            | (frame[position + 1] & 0xFF) << 8
            | (frame[position + 2] & 0xFF) << 16;
    position += 3;
    return value;
  }

  /** An SFLOAT, empty for a special value (NaN, NRes, ±INFINITY, reserved). */
  Optional<BigDecimal> sfloat(String field) {
    return GattNumbers.sfloat(uint16(field));
  }

  /** The 7-byte Date Time: year u16, month, day, hours, minutes, seconds. */
  GattDateTime dateTime(String field) {
    require(7, field);
    return new GattDateTime(
        uint16(field), uint8(field), uint8(field), uint8(field), uint8(field), uint8(field));
  }

  /** Steps over a field whose value v1 does not use, checking that the frame holds it. */
  void skip(int length, String field) {
    require(length, field);
    position += length;
  }

  private void require(int length, String field) {
    if (position + length > frame.length) {
      throw PayloadException.badRequest(
          "The %s frame of %d bytes ends before its %s (byte %d, %d bytes), which its flags announce"
              .formatted(characteristic.displayName(), frame.length, field, position, length));
    }
  }
}
