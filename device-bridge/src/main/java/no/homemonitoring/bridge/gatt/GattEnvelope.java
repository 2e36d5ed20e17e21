package no.homemonitoring.bridge.gatt;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import no.homemonitoring.bridge.DeviceClock;
import no.homemonitoring.bridge.DeviceInfo;
import no.homemonitoring.bridge.PayloadException;

/**
 * The gateway's JSON envelope of one characteristic value, checked and typed.
 *
 * @param systemId the device's EUI-64 (from 0x2A23), 16 upper-case hex digits, or null
 * @param deviceAddress the Bluetooth address in upper case, {@code C0:26:DA:00:00:01}, or null (at
 *     least one of the two is there)
 * @param characteristic the characteristic the value was read from
 * @param receivedAt the gateway's clock when the value arrived
 * @param zone the gateway's zone, in which the device's wall-clock times are read
 * @param frame the characteristic value
 * @param deviceInformation what the Device Information Service said, or null
 */
record GattEnvelope(
    String systemId,
    String deviceAddress,
    Characteristic characteristic,
    Instant receivedAt,
    ZoneId zone,
    byte[] frame,
    DeviceInformation deviceInformation) {

  /** The identifier system of a Bluetooth address (HL7 PHD IG). */
  static final String BLUETOOTH_ADDRESS_SYSTEM = "http://hl7.org/fhir/sid/eui-48/bluetooth";

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private static final Pattern EUI_64 = Pattern.compile("[0-9A-F]{16}");
  private static final Pattern BLUETOOTH_ADDRESS =
      Pattern.compile("[0-9A-F]{2}(?:([:-]?)[0-9A-F]{2})(?:\\1[0-9A-F]{2}){4}");
  private static final Pattern SEPARATORS = Pattern.compile("[\\s:-]");
  private static final Pattern WHITESPACE = Pattern.compile("\\s");

  /**
   * The envelope as JSON. {@code gatewayId} and unknown fields are not needed to decode and are
   * ignored.
   */
  private record Json(
      String deviceAddress,
      String systemId,
      String characteristicUuid,
      String receivedAt,
      String gatewayZone,
      String bytesHex,
      DeviceInformation deviceInfo) {}

  /** The Device Information Service (0x180A) strings, each may be null. */
  record DeviceInformation(String manufacturer, String model, String serial) {}

  /**
   * Reads and checks an envelope.
   *
   * @throws PayloadException (400) if it is not JSON, lacks a field, or has bad hex, an unknown
   *     characteristic, an unreadable time or zone
   */
  static GattEnvelope parse(byte[] payload) {
    Json json = readJson(payload);
    String systemId = systemId(json.systemId());
    String deviceAddress = deviceAddress(json.deviceAddress());
    if (systemId == null && deviceAddress == null) {
      throw PayloadException.badRequest("The envelope names no device: systemId or deviceAddress");
    }
    return new GattEnvelope(
        systemId,
        deviceAddress,
        Characteristic.of(required(json.characteristicUuid(), "characteristicUuid")),
        receivedAt(required(json.receivedAt(), "receivedAt")),
        zone(json.gatewayZone()),
        frame(required(json.bytesHex(), "bytesHex")),
        json.deviceInfo());
  }

  /** What the binding registry knows the device by: its system id, else its address. */
  String deviceKey() {
    return systemId != null ? systemId : deviceAddress;
  }

  /** The device part of an identity: the EUI-64, else the address's hex digits. */
  String identityDevice() {
    return systemId != null ? systemId : SEPARATORS.matcher(deviceAddress).replaceAll("");
  }

  /** The device as far as the envelope says. */
  DeviceInfo device() {
    DeviceInformation information =
        deviceInformation != null ? deviceInformation : new DeviceInformation(null, null, null);
    return new DeviceInfo(
        deviceKey(),
        systemId != null ? DeviceInfo.PHD_SYSTEM_ID : BLUETOOTH_ADDRESS_SYSTEM,
        characteristic.deviceKind(),
        information.manufacturer(),
        information.model(),
        information.serial());
  }

  private static Json readJson(byte[] payload) {
    if (payload == null || payload.length == 0) {
      throw PayloadException.badRequest("The GATT envelope is empty");
    }
    try {
      Json json = JSON.readValue(payload, Json.class);
      if (json == null) {
        throw PayloadException.badRequest("The GATT envelope is JSON null, not an object");
      }
      return json;
    } catch (JacksonException e) {
      throw PayloadException.badRequest(
          "The GATT envelope is not the expected JSON object: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw PayloadException.badRequest("The GATT envelope cannot be read: " + e.getMessage());
    }
  }

  private static String required(String value, String field) {
    if (value == null || value.isBlank()) {
      throw PayloadException.badRequest("The GATT envelope lacks " + field);
    }
    return value;
  }

  private static String systemId(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String digits = SEPARATORS.matcher(value).replaceAll("").toUpperCase(Locale.ROOT);
    if (!EUI_64.matcher(digits).matches()) {
      throw PayloadException.badRequest(
          "systemId '" + value + "' is not an EUI-64 (16 hex digits)");
    }
    return digits;
  }

  private static String deviceAddress(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String address = value.strip().toUpperCase(Locale.ROOT);
    if (!BLUETOOTH_ADDRESS.matcher(address).matches()) {
      throw PayloadException.badRequest(
          "deviceAddress '" + value + "' is not a Bluetooth address (6 hex bytes)");
    }
    String digits = SEPARATORS.matcher(address).replaceAll("");
    StringBuilder canonical = new StringBuilder();
    for (int i = 0; i < digits.length(); i += 2) {
      if (i > 0) {
        canonical.append(':');
      }
      canonical.append(digits, i, i + 2);
    }
    return canonical.toString();
  }

  private static Instant receivedAt(String value) {
    try {
      return OffsetDateTime.parse(value.strip()).toInstant();
    } catch (DateTimeException e) {
      throw PayloadException.badRequest(
          "receivedAt '" + value + "' is not a time with an offset (e.g. 2025-01-06T07:05:40Z)");
    }
  }

  private static ZoneId zone(String value) {
    if (value == null || value.isBlank()) {
      return DeviceClock.OSLO;
    }
    try {
      return ZoneId.of(value.strip());
    } catch (DateTimeException e) {
      throw PayloadException.badRequest("gatewayZone '" + value + "' is not a time zone");
    }
  }

  private static byte[] frame(String hex) {
    String digits = WHITESPACE.matcher(hex).replaceAll("");
    try {
      return HexFormat.of().parseHex(digits);
    } catch (IllegalArgumentException e) {
      throw PayloadException.badRequest(
          "bytesHex is not hex (pairs of 0-9/A-F, spaces allowed): " + e.getMessage());
    }
  }
}
