package no.homemonitoring.bridge.openmhealth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import no.homemonitoring.bridge.Component;
import no.homemonitoring.bridge.Decoded;
import no.homemonitoring.bridge.DeviceInfo;
import no.homemonitoring.bridge.MeasurementRules;
import no.homemonitoring.bridge.Origin;
import no.homemonitoring.bridge.PayloadException;
import no.homemonitoring.bridge.Reading;
import no.homemonitoring.bridge.SubjectKey;
import no.homemonitoring.bridge.TimeQuality;
import no.homemonitoring.bridge.VendorAdapter;
import no.homemonitoring.terminology.NormalisedValue;
import no.homemonitoring.terminology.Terminology;
import no.homemonitoring.terminology.UnitException;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Quantity;

/**
 * Open mHealth (IEEE 1752.1) data points: blood pressure 4.x, body weight 2.x, oxygen saturation
 * 2.x; one data point or a JSON array of them.
 *
 * <p>A single data point that breaks a rule is refused as a whole (422). In an array each data
 * point gets its own outcome, so one bad element never drops the others.
 */
public final class OpenMHealthAdapter implements VendorAdapter {

  static final String MEASURE = Terminology.BASE + "/CodeSystem/openmhealth-measure";
  static final String UNIT = Terminology.BASE + "/CodeSystem/openmhealth-unit";
  static final String LOCATION = Terminology.BASE + "/CodeSystem/openmhealth-measurement-location";

  /** The identifier system of an Open mHealth source (its {@code source_name}). */
  public static final String SOURCE_SYSTEM = Terminology.BASE + "/sid/openmhealth-source";

  private static final Duration MAX_AHEAD = Duration.ofHours(24);

  private final ObjectMapper json = new ObjectMapper();
  private final MeasurementRules rules;

  public OpenMHealthAdapter() {
    this(new MeasurementRules(Terminology.bundled()));
  }

  public OpenMHealthAdapter(MeasurementRules rules) {
    this.rules = rules;
  }

  @Override
  public String format() {
    return "openmhealth";
  }

  @Override
  public List<Decoded> decode(byte[] payload, Instant receivedAt) {
    JsonNode root;
    try {
      root = json.readTree(payload);
    } catch (JsonProcessingException e) {
      throw PayloadException.badRequest("The body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw PayloadException.badRequest("The body cannot be read: " + e.getMessage());
    }
    if (root == null || !(root.isObject() || root.isArray())) {
      throw PayloadException.badRequest("Expected an Open mHealth data point or an array of them");
    }
    if (root.isObject()) {
      try {
        return List.of(dataPoint(root, receivedAt));
      } catch (DataPointException e) {
        throw PayloadException.unprocessable(e.getMessage());
      }
    }
    List<Decoded> outcomes = new ArrayList<>();
    for (JsonNode element : root) {
      try {
        outcomes.add(dataPoint(element, receivedAt));
      } catch (DataPointException e) {
        String id = element.path("header").path("id").asText(null);
        outcomes.add(
            new Decoded.Rejected("unknown", id == null ? null : "omh-" + id, e.getMessage()));
      }
    }
    return outcomes;
  }

  /** A rule broken by one data point. */
  private static final class DataPointException extends RuntimeException {
    DataPointException(String message) {
      super(message);
    }
  }

  private Decoded dataPoint(JsonNode point, Instant receivedAt) {
    JsonNode header = point.path("header");
    JsonNode body = point.path("body");
    String id = text(header, "id", "header.id");
    String identity = "omh-" + id;
    JsonNode schema = header.path("schema_id");
    String schemaName = schema.path("name").asText("");
    String version = schema.path("version").asText("");
    if (!"omh".equals(schema.path("namespace").asText()) || !supported(schemaName, version)) {
      throw new DataPointException(
          "unsupported-schema: %s:%s:%s (supported: omh blood-pressure 4.x, body-weight 2.x, oxygen-saturation 2.x)"
              .formatted(schema.path("namespace").asText(""), schemaName, version));
    }
    String userId = header.path("user_id").asText("");
    if (userId.isBlank()) {
      throw new DataPointException("missing-user: header.user_id is required to find the patient");
    }
    if (!body.isObject()) {
      throw new DataPointException("missing-field: body");
    }
    Time time = time(body.path("effective_time_frame"), receivedAt);
    JsonNode provenance = header.path("acquisition_provenance");
    Origin origin =
        body.has("descriptive_statistic")
            ? Origin.DEVICE_AGGREGATE
            : "self-reported".equals(provenance.path("modality").asText())
                ? Origin.MANUAL
                : Origin.DEVICE;
    String source = provenance.path("source_name").asText("unnamed source");
    DeviceInfo device = new DeviceInfo(source, SOURCE_SYSTEM, null, null, source, null);
    SubjectKey subject = SubjectKey.vendorUser(userId);

    return switch (schemaName) {
      case "blood-pressure" -> bloodPressure(body, identity, subject, time, origin, device);
      case "body-weight" -> single(body, "body_weight", identity, subject, time, origin, device);
      default -> single(body, "oxygen_saturation", identity, subject, time, origin, device);
    };
  }

  private static boolean supported(String name, String version) {
    return switch (name) {
      case "blood-pressure" -> version.startsWith("4.");
      case "body-weight", "oxygen-saturation" -> version.startsWith("2.");
      default -> false;
    };
  }

  private record Time(OffsetDateTime start, OffsetDateTime end) {}

  private static Time time(JsonNode frame, Instant receivedAt) {
    if (frame.has("date_time")) {
      OffsetDateTime at =
          dateTime(frame.get("date_time").asText(), "effective_time_frame.date_time");
      requireNotFuture(at, receivedAt);
      return new Time(at, null);
    }
    JsonNode interval = frame.path("time_interval");
    if (interval.has("start_date_time") && interval.has("end_date_time")) {
      OffsetDateTime start =
          dateTime(interval.get("start_date_time").asText(), "time_interval.start_date_time");
      OffsetDateTime end =
          dateTime(interval.get("end_date_time").asText(), "time_interval.end_date_time");
      requireNotFuture(end, receivedAt);
      return new Time(start, end);
    }
    throw new DataPointException(
        "missing-field: body.effective_time_frame needs date_time or a time_interval with start_date_time and end_date_time");
  }

  private static OffsetDateTime dateTime(String text, String field) {
    try {
      return OffsetDateTime.parse(text);
    } catch (DateTimeParseException e) {
      throw new DataPointException(
          "time-without-offset: %s '%s' is not an RFC 3339 date-time with an offset"
              .formatted(field, text));
    }
  }

  private static void requireNotFuture(OffsetDateTime time, Instant receivedAt) {
    if (time.toInstant().isAfter(receivedAt.plus(MAX_AHEAD))) {
      throw new DataPointException(
          "time-in-future: %s is more than 24 hours after the reception".formatted(time));
    }
  }

  private Decoded bloodPressure(
      JsonNode body,
      String identity,
      SubjectKey subject,
      Time time,
      Origin origin,
      DeviceInfo device) {
    NormalisedValue systolic = value(body, "systolic_blood_pressure");
    NormalisedValue diastolic = value(body, "diastolic_blood_pressure");
    Optional<String> bad =
        rules
            .implausible("systolic", systolic.value())
            .or(() -> rules.implausible("diastolic", diastolic.value()))
            .or(() -> MeasurementRules.implausiblePanel(systolic.value(), diastolic.value()));
    if (bad.isPresent()) {
      return new Decoded.Rejected("bp-panel", identity, bad.get());
    }
    List<Component> components =
        List.of(
            new Component(
                rules.codings(MEASURE, "systolic_blood_pressure", Map.of()),
                MeasurementRules.quantity(systolic)),
            new Component(
                rules.codings(MEASURE, "diastolic_blood_pressure", Map.of()),
                MeasurementRules.quantity(diastolic)));
    Coding bodySite = null;
    String location = body.path("measurement_location").asText(null);
    if (location != null) {
      bodySite =
          rules.terminology().translate(LOCATION, location, Terminology.SNOMED_CT).stream()
              .findFirst()
              .orElse(null);
    }
    return new Reading(
        format(),
        "bp-panel",
        identity,
        subject,
        rules.codings(MEASURE, "blood-pressure", Map.of()),
        null,
        components,
        time.start(),
        time.end(),
        TimeQuality.SOURCE_INSTANT,
        origin,
        Set.of(),
        device,
        bodySite,
        null);
  }

  private Decoded single(
      JsonNode body,
      String field,
      String identity,
      SubjectKey subject,
      Time time,
      Origin origin,
      DeviceInfo device) {
    String measurement = rules.measurementOf(MEASURE, field).code();
    NormalisedValue value = value(body, field);
    Optional<String> bad = rules.implausible(measurement, value.value());
    if (bad.isPresent()) {
      return new Decoded.Rejected(measurement, identity, bad.get());
    }
    Quantity quantity = MeasurementRules.quantity(value);
    return new Reading(
        format(),
        measurement,
        identity,
        subject,
        rules.codings(MEASURE, field, Map.of()),
        quantity,
        List.of(),
        time.start(),
        time.end(),
        TimeQuality.SOURCE_INSTANT,
        origin,
        Set.of(),
        device,
        null,
        null);
  }

  private NormalisedValue value(JsonNode body, String field) {
    JsonNode unitValue = body.path(field);
    if (!unitValue.path("value").isNumber() || !unitValue.path("unit").isTextual()) {
      throw new DataPointException(
          "missing-field: body.%s needs a numeric value and a unit".formatted(field));
    }
    BigDecimal value = unitValue.get("value").decimalValue();
    String unit = unitValue.get("unit").asText();
    String measurement = rules.measurementOf(MEASURE, field).code();
    try {
      return rules.normalise(measurement, value, rules.terminology().ucumUnit(UNIT, unit));
    } catch (UnitException e) {
      throw new DataPointException(
          "wrong-unit: body.%s unit '%s' is not a unit of %s".formatted(field, unit, measurement));
    }
  }

  private static String text(JsonNode node, String name, String path) {
    String value = node.path(name).asText("");
    if (value.isBlank()) {
      throw new DataPointException("missing-field: " + path);
    }
    return value;
  }
}
