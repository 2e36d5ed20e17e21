package no.homemonitoring.bridge.gatt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import no.homemonitoring.bridge.Component;
import no.homemonitoring.bridge.Decoded;
import no.homemonitoring.bridge.Reading;
import no.homemonitoring.terminology.Terminology;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Quantity;

/** Envelopes, example frames and lookups for the GATT adapter's tests. */
final class GattPayloads {

  /** A reception time of the bridge far from every envelope's: the adapter must not use it. */
  static final Instant BRIDGE_RECEIVED_AT = Instant.parse("2030-01-01T00:00:00Z");

  static final int BP_MONITOR = 1;
  static final int SCALE = 2;
  static final int OXIMETER = 3;
  static final int SCALE_WITH_BMI = 4;

  private static final ObjectMapper JSON = new ObjectMapper();

  private GattPayloads() {}

  /** The §11 test device NN's EUI-64. */
  static String systemId(int device) {
    return "C026DAFFFE0000%02d".formatted(device);
  }

  /** The §11 test device NN's Bluetooth address. */
  static String deviceAddress(int device) {
    return "C0:26:DA:00:00:%02d".formatted(device);
  }

  /** The envelope of §3.1 for one of the §11 test devices, in Europe/Oslo. */
  static byte[] envelope(String characteristic, int device, String receivedAt, String bytesHex) {
    Map<String, Object> envelope = fields(characteristic, device, receivedAt, bytesHex);
    return json(envelope);
  }

  /** The fields of {@link #envelope}, to change one before {@link #json}. */
  static Map<String, Object> fields(
      String characteristic, int device, String receivedAt, String bytesHex) {
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("gatewayId", "gw-0001");
    envelope.put("deviceAddress", deviceAddress(device));
    envelope.put("systemId", systemId(device));
    envelope.put("characteristicUuid", characteristic);
    envelope.put("receivedAt", receivedAt);
    envelope.put("gatewayZone", "Europe/Oslo");
    envelope.put("bytesHex", bytesHex);
    return envelope;
  }

  static byte[] json(Map<String, Object> envelope) {
    try {
      return JSON.writeValueAsBytes(envelope);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The hex of an example file of the formats reference (copied to the test resources). */
  static String example(String file) {
    try (InputStream in = GattPayloads.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException(file + " is not in the test resources");
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A 7-byte Date Time as hex: year little-endian, then month, day, hours, minutes, seconds. */
  static String dateTime(int year, int month, int day, int hours, int minutes, int seconds) {
    return "%02X %02X %02X %02X %02X %02X %02X"
        .formatted(year & 0xFF, year >> 8, month, day, hours, minutes, seconds);
  }

  static List<Reading> readings(List<Decoded> outcomes) {
    return outcomes.stream().filter(Reading.class::isInstance).map(Reading.class::cast).toList();
  }

  /** The one reading of a concept. */
  static Reading reading(List<Decoded> outcomes, String concept) {
    List<Reading> matching =
        readings(outcomes).stream().filter(reading -> reading.concept().equals(concept)).toList();
    if (matching.size() != 1) {
      throw new AssertionError(
          "Expected one " + concept + " reading, got " + matching.size() + " of " + outcomes);
    }
    return matching.get(0);
  }

  /** The components' quantities by LOINC code, in order. */
  static Map<String, Quantity> componentsByLoinc(Reading reading) {
    return reading.components().stream()
        .filter(component -> code(component.codings(), Terminology.LOINC) != null)
        .collect(
            Collectors.toMap(
                component -> code(component.codings(), Terminology.LOINC),
                component -> (Quantity) component.value(),
                (first, second) -> first,
                LinkedHashMap::new));
  }

  /** The codes of the components that are no quantity (the status flags). */
  static List<String> statusCodes(Reading reading) {
    return reading.components().stream()
        .filter(component -> !(component.value() instanceof Quantity))
        .map(Component::codings)
        .map(codings -> code(codings, GattReadings.PHD_STATUS_SYSTEM))
        .toList();
  }

  static String code(List<Coding> codings, String system) {
    return codings.stream()
        .filter(coding -> system.equals(coding.getSystem()))
        .map(Coding::getCode)
        .findFirst()
        .orElse(null);
  }

  static BigDecimal value(Reading reading) {
    return reading.value().getValue();
  }
}
