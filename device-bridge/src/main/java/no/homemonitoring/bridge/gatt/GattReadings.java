package no.homemonitoring.bridge.gatt;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import no.homemonitoring.bridge.Component;
import no.homemonitoring.bridge.Decoded;
import no.homemonitoring.bridge.DeviceClock;
import no.homemonitoring.bridge.DeviceInfo;
import no.homemonitoring.bridge.MeasurementRules;
import no.homemonitoring.bridge.Origin;
import no.homemonitoring.bridge.Reading;
import no.homemonitoring.bridge.SubjectKey;
import no.homemonitoring.terminology.NormalisedValue;
import no.homemonitoring.terminology.Terminology;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Quantity;

/**
 * Makes the outcomes of one envelope's frame: codes, units and plausibility from the terminology,
 * subject, device, time and identity from the envelope. The fields are named by their codes in the
 * gatt-measurement code system ({@code 2A35.systolic}, {@code 2A9D.weight}).
 */
final class GattReadings {

  static final String MEASUREMENT_SYSTEM = Terminology.BASE + "/CodeSystem/gatt-measurement";
  static final String UNIT_SYSTEM = Terminology.BASE + "/CodeSystem/gatt-unit";
  static final String BP_STATUS_SYSTEM = Terminology.BASE + "/CodeSystem/gatt-bp-status";

  /** The HL7 PHD IG's code system of the IEEE 11073 measurement status bits. */
  static final String PHD_STATUS_SYSTEM = "http://hl7.org/fhir/uv/phd/CodeSystem/ASN1ToHL7";

  private static final String RECEIVE_TIME_PREFIX = "rx";

  private final MeasurementRules rules;
  private final GattEnvelope envelope;
  private final DeviceInfo device;
  private final Map<String, String> context;

  /**
   * When and for whom a frame was measured.
   *
   * @param time the resolved time and how far it can be trusted
   * @param identityTime the time part of the identity: the device time as reported, or {@code
   *     rx<receivedAt epoch seconds>}
   * @param userId the device's user index, or null when the frame has none
   * @param flags quality flags of every value of the frame
   */
  record Occasion(
      DeviceClock.Resolved time, String identityTime, Integer userId, Set<String> flags) {}

  GattReadings(MeasurementRules rules, GattEnvelope envelope) {
    this.rules = rules;
    this.envelope = envelope;
    this.device = envelope.device();
    this.context = Map.of(Terminology.DEVICE_KIND, device.kind());
  }

  /**
   * A frame with a device time (or a place for one). The wall-clock time is read in the gateway's
   * zone; it gives way to the reception time when it is missing, unknown, out of range, before 2015
   * or more than a day ahead.
   *
   * <p>The identity keeps the device time as reported, even where it is not used as the time, so
   * that a record the device sends again gets the same identity. It falls back to the reception
   * time only when the device time tells nothing: none in the frame, or all zeros.
   *
   * @param timestamp the device time, or null when the frame has none or the device says its clock
   *     is not set
   */
  Occasion deviceTime(GattDateTime timestamp, Integer userId, Set<String> flags) {
    if (timestamp == null) {
      return receptionTime(userId, flags);
    }
    DeviceClock.Resolved time =
        DeviceClock.deviceOrReceived(
            timestamp.wallClock().orElse(null), envelope.receivedAt(), envelope.zone());
    String identityTime = timestamp.isBlank() ? receptionIdentityTime() : timestamp.asReported();
    return new Occasion(time, identityTime, userId, flags);
  }

  /** A frame that carries no usable time of its own: it was measured when it arrived. */
  Occasion receptionTime(Integer userId, Set<String> flags) {
    return new Occasion(
        DeviceClock.received(envelope.receivedAt(), envelope.zone()),
        receptionIdentityTime(),
        userId,
        flags);
  }

  private String receptionIdentityTime() {
    return RECEIVE_TIME_PREFIX + envelope.receivedAt().getEpochSecond();
  }

  /**
   * The outcome of a single value: skipped for a special value, rejected when implausible in its
   * canonical unit, else a reading.
   *
   * @param value the value as reported, empty for a special value
   * @param gattUnit its unit, a gatt-unit code
   */
  Decoded value(String field, Optional<BigDecimal> value, String gattUnit, Occasion occasion) {
    if (value.isEmpty()) {
      return skipped(field, occasion, "nan");
    }
    NormalisedValue normalised = normalise(field, value.get(), gattUnit);
    Optional<String> implausible = implausible(field, normalised);
    if (implausible.isPresent()) {
      return rejected(field, occasion, implausible.get());
    }
    return reading(field, MeasurementRules.quantity(normalised), List.of(), occasion);
  }

  Decoded.Skipped skipped(String field, Occasion occasion, String reason) {
    return new Decoded.Skipped(concept(field), identity(field, occasion), reason);
  }

  Decoded.Rejected rejected(String field, Occasion occasion, String reason) {
    return new Decoded.Rejected(concept(field), identity(field, occasion), reason);
  }

  /**
   * A reading of a field.
   *
   * @param value the value in the canonical unit, or null for a panel
   */
  Reading reading(String field, Quantity value, List<Component> components, Occasion occasion) {
    return new Reading(
        GattAdapter.FORMAT,
        concept(field),
        identity(field, occasion),
        SubjectKey.device(envelope.deviceKey(), occasion.userId()),
        codings(field),
        value,
        components,
        occasion.time().time(),
        null,
        occasion.time().quality(),
        Origin.DEVICE,
        occasion.flags(),
        device,
        null,
        null);
  }

  /** A value in its measurement's canonical unit (kPa to mm[Hg], lb to kg, m and in to cm). */
  NormalisedValue normalise(String field, BigDecimal value, String gattUnit) {
    String unit = rules.terminology().ucumUnit(UNIT_SYSTEM, gattUnit);
    return rules.normalise(concept(field), value, unit);
  }

  /** The reason a canonical value is implausible, if it is. */
  Optional<String> implausible(String field, NormalisedValue value) {
    return rules.implausible(concept(field), value.value());
  }

  /** A panel component of a field. */
  Component component(String field, NormalisedValue value) {
    return new Component(codings(field), MeasurementRules.quantity(value));
  }

  /** A panel component saying that a status flag (a gatt-bp-status code) is set. */
  Component statusComponent(String statusCode) {
    List<Coding> codings =
        rules.terminology().translate(BP_STATUS_SYSTEM, statusCode, PHD_STATUS_SYSTEM);
    if (codings.isEmpty()) {
      throw new IllegalStateException(
          "The terminology maps no PHD status code to " + BP_STATUS_SYSTEM + "|" + statusCode);
    }
    // valueBoolean, not a coded yes: the vital-signs profiles bind every coded component value to
    // the vital-signs units, so a CodeableConcept would make the panel invalid.
    return new Component(codings, new BooleanType(true));
  }

  /** The measurement a field is ({@code bp-panel}, {@code body-weight}, ...). */
  String concept(String field) {
    return rules.measurementOf(MEASUREMENT_SYSTEM, field).code();
  }

  private List<Coding> codings(String field) {
    return rules.codings(MEASUREMENT_SYSTEM, field, context);
  }

  /**
   * {@code <device>-<patient>-<MDC code>-<time>}: the device, type and device-time parts of the PHD
   * IG's identifier, with the patient's logical id put in once the reading is bound.
   */
  private String identity(String field, Occasion occasion) {
    String mdc =
        codings(field).stream()
            .filter(coding -> Terminology.MDC.equals(coding.getSystem()))
            .map(Coding::getCode)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "The terminology has no MDC code for " + MEASUREMENT_SYSTEM + "|" + field));
    return String.join(
        "-", envelope.identityDevice(), Reading.PATIENT_TOKEN, mdc, occasion.identityTime());
  }
}
