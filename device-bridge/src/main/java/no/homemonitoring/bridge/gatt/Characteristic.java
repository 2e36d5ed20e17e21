package no.homemonitoring.bridge.gatt;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.homemonitoring.bridge.PayloadException;

/** The GATT characteristics the bridge reads, with the kind of device that sends each. */
enum Characteristic {
  BLOOD_PRESSURE("2A35", "Blood Pressure Measurement", "cuff"),
  /** The running cuff pressure during a measurement: not a measurement itself. */
  INTERMEDIATE_CUFF_PRESSURE("2A36", "Intermediate Cuff Pressure", "cuff"),
  WEIGHT("2A9D", "Weight Measurement", "scale"),
  PLX_SPOT_CHECK("2A5E", "PLX Spot-check Measurement", "oximeter"),
  PLX_CONTINUOUS("2A5F", "PLX Continuous Measurement", "oximeter");

  /** A 16-bit UUID written out in full on the Bluetooth base UUID. */
  private static final Pattern BASE_UUID =
      Pattern.compile("0000([0-9A-F]{4})-0000-1000-8000-00805F9B34FB");

  private static final Pattern SHORT_UUID = Pattern.compile("(?:0X)?([0-9A-F]{4})");

  private final String uuid16;
  private final String displayName;
  private final String deviceKind;

  Characteristic(String uuid16, String displayName, String deviceKind) {
    this.uuid16 = uuid16;
    this.displayName = displayName;
    this.deviceKind = deviceKind;
  }

  /**
   * The characteristic of a UUID in 16-bit ({@code 2A35}) or 128-bit ({@code
   * 00002a35-0000-1000-8000-00805f9b34fb}) form.
   *
   * @throws PayloadException (400) for a characteristic the bridge does not read
   */
  static Characteristic of(String uuid) {
    String normalised = uuid.strip().toUpperCase(Locale.ROOT);
    Matcher full = BASE_UUID.matcher(normalised);
    Matcher brief = SHORT_UUID.matcher(normalised);
    String uuid16 = full.matches() ? full.group(1) : brief.matches() ? brief.group(1) : normalised;
    return Arrays.stream(values())
        .filter(characteristic -> characteristic.uuid16.equals(uuid16))
        .findFirst()
        .orElseThrow(
            () ->
                PayloadException.badRequest(
                    "Unknown characteristic '%s': the bridge reads 0x2A35, 0x2A36, 0x2A9D, 0x2A5E and 0x2A5F"
                        .formatted(uuid)));
  }

  /** Its code in the gatt-measurement code system ({@code 2A35}). */
  String code() {
    return uuid16;
  }

  /** The code of one of its fields in the gatt-measurement code system ({@code 2A35.systolic}). */
  String fieldCode(String field) {
    return uuid16 + "." + field;
  }

  String displayName() {
    return "0x" + uuid16 + " " + displayName;
  }

  /** The device-kind code of the devices that send it ({@code cuff}, {@code scale}, ...). */
  String deviceKind() {
    return deviceKind;
  }
}
