package no.homemonitoring.bridge.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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
import no.homemonitoring.terminology.Measurement;
import no.homemonitoring.terminology.NormalisedValue;
import no.homemonitoring.terminology.Terminology;
import no.homemonitoring.terminology.UnknownCodeException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * FHIR Bundles from gateways and vendor platforms: HL7 PHD-style {@code transaction} Bundles (a
 * Patient and a PhdDevice referenced by {@code urn:uuid}, Observations with the gateway's
 * identifier) and Norwegian PMD-style {@code batch} Bundles of Observations naming the patient by
 * national id.
 *
 * <p>Every entry gets exactly one outcome, in request order, so the ingest API can answer each
 * entry: a {@link Reading} for a home-monitoring Observation (codes, units and plausibility
 * normalised through the terminology like every other format), {@link Decoded.Skipped} for the
 * Patient and Device entries the Observations reference (the bridge never creates patients; it
 * registers devices itself) and for Observations of no home-monitoring measurement, and {@link
 * Decoded.Rejected} with a reason whose code tells a 400 ({@link #isMalformed}) from a 422.
 */
public final class FhirBundleAdapter implements VendorAdapter {

  public static final String FORMAT = "fhir";

  /** Concepts of entries that are not measurements. */
  public static final String PATIENT_ENTRY = "patient";

  public static final String DEVICE_ENTRY = "device";
  public static final String OTHER_ENTRY = "other";

  /** Reason codes of entries that are malformed (400) rather than unprocessable (422). */
  private static final Set<String> MALFORMED =
      Set.of("missing-fullurl", "no-offset", "unsupported-method", "unsupported-resource");

  private static final List<String> NATIONAL_ID_SYSTEMS =
      List.of(
          "urn:oid:2.16.578.1.12.4.1.4.1",
          "urn:oid:2.16.578.1.12.4.1.4.2",
          "urn:oid:2.16.578.1.12.4.1.4.3");

  private static final String URI_SYSTEM = "urn:ietf:rfc:3986";
  private static final ZoneId NORWAY = ZoneId.of("Europe/Oslo");
  private static final Duration MAX_AHEAD = Duration.ofHours(24);
  private static final List<String> CODE_SYSTEMS =
      List.of(Terminology.MDC, Terminology.LOINC, Terminology.SNOMED_CT);
  private static final Map<String, String> DEVICE_KINDS =
      Map.of("528391", "cuff", "528399", "scale", "528388", "oximeter");

  private final MeasurementRules rules;
  private final FhirContext fhir = FhirContext.forR4Cached();

  public FhirBundleAdapter(MeasurementRules rules) {
    this.rules = rules;
  }

  @Override
  public String format() {
    return FORMAT;
  }

  @Override
  public boolean answersSynchronously() {
    return true;
  }

  /** Whether a rejection reason is about the entry's form (400) rather than its content (422). */
  public static boolean isMalformed(String reason) {
    int colon = reason.indexOf(':');
    return MALFORMED.contains(colon < 0 ? reason : reason.substring(0, colon));
  }

  /**
   * The Bundle of a payload.
   *
   * @throws PayloadException (400) if it is not a FHIR JSON Bundle of type transaction or batch
   */
  public Bundle bundle(byte[] payload) {
    Resource parsed;
    try {
      IParser parser = fhir.newJsonParser();
      parsed = (Resource) parser.parseResource(new String(payload, StandardCharsets.UTF_8));
    } catch (DataFormatException | ClassCastException e) {
      throw PayloadException.badRequest("Not a FHIR JSON resource: " + e.getMessage());
    }
    if (!(parsed instanceof Bundle bundle)) {
      throw PayloadException.badRequest(
          "Expected a Bundle, got " + parsed.fhirType() + " (send a transaction or batch Bundle)");
    }
    if (bundle.getType() != Bundle.BundleType.TRANSACTION
        && bundle.getType() != Bundle.BundleType.BATCH) {
      throw PayloadException.badRequest(
          "Bundle.type must be transaction or batch, was "
              + (bundle.hasType() ? bundle.getType().toCode() : "missing"));
    }
    return bundle;
  }

  @Override
  public List<Decoded> decode(byte[] payload, Instant receivedAt) {
    Bundle bundle = bundle(payload);
    boolean batch = bundle.getType() == Bundle.BundleType.BATCH;
    Map<String, Resource> byFullUrl = new HashMap<>();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.hasFullUrl() && entry.hasResource()) {
        byFullUrl.put(entry.getFullUrl(), entry.getResource());
      }
    }
    List<Decoded> outcomes = new ArrayList<>();
    for (int i = 0; i < bundle.getEntry().size(); i++) {
      Bundle.BundleEntryComponent entry = bundle.getEntry().get(i);
      outcomes.add(entry(entry, i, batch, byFullUrl, receivedAt));
    }
    return outcomes;
  }

  private Decoded entry(
      Bundle.BundleEntryComponent entry,
      int index,
      boolean batch,
      Map<String, Resource> byFullUrl,
      Instant receivedAt) {
    String fullUrl = entry.getFullUrl();
    Resource resource = entry.getResource();
    if (resource instanceof Patient && !batch) {
      return new Decoded.Skipped(
          PATIENT_ENTRY, fullUrl, "reference: resolved to an enrolled patient, never created");
    }
    if (resource instanceof Device && !batch) {
      return new Decoded.Skipped(
          DEVICE_ENTRY, fullUrl, "reference: the device is registered with the measurements");
    }
    if (!(resource instanceof Observation observation)) {
      return new Decoded.Rejected(
          OTHER_ENTRY,
          fullUrl,
          "unsupported-resource: entry %d is %s; only Observations%s"
              .formatted(
                  index,
                  resource == null ? "empty" : resource.fhirType(),
                  batch ? "" : ", their Patient and their Device"));
    }
    if (batch && (fullUrl == null || fullUrl.isBlank())) {
      return new Decoded.Rejected(
          "observation", null, "missing-fullurl: entry %d has no fullUrl".formatted(index));
    }
    Bundle.HTTPVerb method = entry.getRequest().getMethod();
    if (method != Bundle.HTTPVerb.POST && method != Bundle.HTTPVerb.PUT) {
      return new Decoded.Rejected(
          "observation",
          fullUrl,
          "unsupported-method: entry %d: %s; use POST or PUT"
              .formatted(index, method == null ? "no request.method" : method.toCode()));
    }
    try {
      return observation(observation, fullUrl, method, batch, byFullUrl, receivedAt);
    } catch (EntryException e) {
      return new Decoded.Rejected(e.concept, e.identity, e.getMessage());
    }
  }

  /** A rule broken by one entry. */
  private static final class EntryException extends RuntimeException {
    private final String concept;
    private final String identity;

    EntryException(String concept, String identity, String message) {
      super(message);
      this.concept = concept;
      this.identity = identity;
    }
  }

  private Decoded observation(
      Observation observation,
      String fullUrl,
      Bundle.HTTPVerb method,
      boolean batch,
      Map<String, Resource> byFullUrl,
      Instant receivedAt) {
    Optional<Coding> source = measurementCoding(observation.getCode().getCoding());
    String identity = identity(observation, fullUrl);
    if (source.isEmpty()) {
      List<String> codes =
          observation.getCode().getCoding().stream()
              .map(c -> c.getSystem() + "|" + c.getCode())
              .toList();
      if (batch) {
        return new Decoded.Rejected(
            "observation", identity, "unknown-code: no home-monitoring measurement for " + codes);
      }
      // PHD: a Coincident Time Stamp, a status observation: kept as the gateway sent it.
      SubjectKey subject = subject(observation.getSubject(), byFullUrl, "observation", identity);
      return new Decoded.AsReceived(
          "observation",
          identity,
          subject,
          device(observation.getDevice(), byFullUrl),
          asReceived(observation));
    }
    Measurement measurement =
        rules.terminology().measurementOf(source.get().getSystem(), source.get().getCode()).get();
    String concept = measurement.code();
    SubjectKey subject = subject(observation.getSubject(), byFullUrl, concept, identity);
    Effective effective = effective(observation, concept, identity, receivedAt);
    DeviceInfo device = device(observation.getDevice(), byFullUrl);
    List<Coding> codings = codings(source.get(), concept, identity, device);
    Coding bodySite =
        observation.hasBodySite() && observation.getBodySite().hasCoding()
            ? observation.getBodySite().getCodingFirstRep().copy()
            : null;
    Quantity value = null;
    List<Component> components = new ArrayList<>();
    if ("bp-panel".equals(concept)) {
      components = panel(observation, identity);
    } else {
      if (!observation.hasValueQuantity()) {
        throw new EntryException(concept, identity, "missing-value: valueQuantity is required");
      }
      NormalisedValue normalised = normalise(concept, observation.getValueQuantity(), identity);
      Optional<String> bad = rules.implausible(concept, normalised.value());
      if (bad.isPresent()) {
        return new Decoded.Rejected(concept, identity, bad.get());
      }
      value = MeasurementRules.quantity(normalised);
    }
    return new Reading(
        FORMAT,
        concept,
        identity,
        subject,
        codings,
        value,
        components,
        effective.time(),
        null,
        effective.quality(),
        Origin.DEVICE,
        Set.of(),
        device,
        bodySite,
        // A PUT replaces: a changed value under the same identity is an edit.
        method == Bundle.HTTPVerb.PUT ? receivedAt : null);
  }

  /**
   * A copy without what only meant something inside the Bundle: references to other entries ({@code
   * urn:uuid}), which the server resolves for the subject and device only.
   */
  private static Observation asReceived(Observation observation) {
    Observation copy = observation.copy();
    copy.setIdElement(null);
    copy.getHasMember().removeIf(FhirBundleAdapter::local);
    copy.getDerivedFrom().removeIf(FhirBundleAdapter::local);
    copy.getExtension()
        .removeIf(e -> e.getValue() instanceof Reference reference && local(reference));
    return copy;
  }

  private static boolean local(Reference reference) {
    return reference.hasReference() && reference.getReference().startsWith("urn:uuid:");
  }

  /** The first coding that names a home-monitoring measurement (MDC, then LOINC, then SNOMED). */
  private Optional<Coding> measurementCoding(List<Coding> codings) {
    for (String system : CODE_SYSTEMS) {
      for (Coding coding : codings) {
        if (system.equals(coding.getSystem())
            && coding.hasCode()
            && rules.terminology().measurementOf(system, coding.getCode()).isPresent()) {
          return Optional.of(coding);
        }
      }
    }
    return Optional.empty();
  }

  private List<Coding> codings(Coding source, String concept, String identity, DeviceInfo device) {
    try {
      Map<String, String> context =
          device == null || device.kind() == null
              ? Map.of()
              : Map.of(Terminology.DEVICE_KIND, device.kind());
      return rules.codings(source.getSystem(), source.getCode(), context);
    } catch (UnknownCodeException e) {
      throw new EntryException(concept, identity, "unknown-code: " + e.getMessage());
    }
  }

  /**
   * PHD: the gateway's identifier, verbatim. PMD: the first identifier, else the fullUrl. The
   * patient is part of the identity, so one sender's identifier never reaches another patient's
   * Observation.
   */
  private static String identity(Observation observation, String fullUrl) {
    String key;
    if (observation.hasIdentifier() && observation.getIdentifierFirstRep().hasValue()) {
      Identifier identifier = observation.getIdentifierFirstRep();
      key = (identifier.hasSystem() ? identifier.getSystem() : "") + "|" + identifier.getValue();
    } else if (fullUrl != null && !fullUrl.startsWith("urn:uuid:")) {
      key = URI_SYSTEM + "|" + fullUrl;
    } else {
      // A transaction's urn:uuid is new with every upload: no identity to recognise a re-upload.
      key = "urn:uuid|" + (fullUrl == null ? java.util.UUID.randomUUID() : fullUrl);
    }
    return "fhir-" + key + "-" + Reading.PATIENT_TOKEN;
  }

  private static SubjectKey subject(
      Reference subject, Map<String, Resource> byFullUrl, String concept, String identity) {
    if (subject.hasReference()) {
      String reference = subject.getReference();
      Resource target = byFullUrl.get(reference);
      if (target instanceof Patient patient) {
        return nationalId(patient.getIdentifier())
            .orElseThrow(
                () ->
                    new EntryException(
                        concept,
                        identity,
                        "unknown-patient: the Patient entry %s has no national id (FNR, DNR or FHN)"
                            .formatted(reference)));
      }
      if (reference.startsWith("Patient/") && reference.length() > "Patient/".length()) {
        return SubjectKey.patientId(reference.substring("Patient/".length()).split("/")[0]);
      }
      throw new EntryException(
          concept,
          identity,
          "unknown-patient: subject %s is neither a Patient entry nor Patient/<id>"
              .formatted(reference));
    }
    if (subject.hasIdentifier()) {
      return nationalId(List.of(subject.getIdentifier()))
          .orElseThrow(
              () ->
                  new EntryException(
                      concept,
                      identity,
                      "unknown-patient: subject.identifier %s is no national id"
                          .formatted(subject.getIdentifier().getSystem())));
    }
    throw new EntryException(
        concept, identity, "missing-subject: the Observation names no patient");
  }

  private static Optional<SubjectKey> nationalId(List<Identifier> identifiers) {
    for (String system : NATIONAL_ID_SYSTEMS) {
      for (Identifier identifier : identifiers) {
        if (system.equals(identifier.getSystem()) && identifier.hasValue()) {
          return Optional.of(SubjectKey.nationalId(system, identifier.getValue()));
        }
      }
    }
    return Optional.empty();
  }

  private record Effective(OffsetDateTime time, TimeQuality quality) {}

  private static Effective effective(
      Observation observation, String concept, String identity, Instant receivedAt) {
    if (!observation.hasEffectiveDateTimeType()) {
      throw new EntryException(concept, identity, "missing-time: effectiveDateTime is required");
    }
    DateTimeType time = observation.getEffectiveDateTimeType();
    TemporalPrecisionEnum precision = time.getPrecision();
    if (precision == TemporalPrecisionEnum.DAY) {
      LocalDate day = LocalDate.parse(time.getValueAsString());
      OffsetDateTime start = day.atStartOfDay(NORWAY).toOffsetDateTime();
      return new Effective(start, TimeQuality.DATE_ONLY);
    }
    if (precision.ordinal() < TemporalPrecisionEnum.DAY.ordinal()) {
      throw new EntryException(
          concept, identity, "imprecise-time: " + time.getValueAsString() + " names no day");
    }
    if (time.getTimeZone() == null || !hasOffset(time.getValueAsString())) {
      throw new EntryException(
          concept,
          identity,
          "no-offset: effectiveDateTime %s has no offset (Z or ±hh:mm)"
              .formatted(time.getValueAsString()));
    }
    OffsetDateTime offsetTime = OffsetDateTime.parse(time.getValueAsString());
    if (offsetTime.toInstant().isAfter(receivedAt.plus(MAX_AHEAD))) {
      throw new EntryException(
          concept,
          identity,
          "time-in-future: %s is more than 24 hours after the reception".formatted(offsetTime));
    }
    return new Effective(offsetTime, TimeQuality.SOURCE_INSTANT);
  }

  private static boolean hasOffset(String value) {
    int timeStart = value.indexOf('T');
    if (timeStart < 0) {
      return false;
    }
    String clock = value.substring(timeStart);
    return clock.endsWith("Z") || clock.contains("+") || clock.contains("-");
  }

  private DeviceInfo device(Reference reference, Map<String, Resource> byFullUrl) {
    if (!reference.hasReference() || !(byFullUrl.get(reference.getReference()) instanceof Device)) {
      return null;
    }
    Device device = (Device) byFullUrl.get(reference.getReference());
    Optional<String> systemId =
        device.getIdentifier().stream()
            .filter(id -> DeviceInfo.PHD_SYSTEM_ID.equals(id.getSystem()) && id.hasValue())
            .map(id -> id.getValue().replaceAll("[\\s:-]", "").toUpperCase(Locale.ROOT))
            .findFirst();
    if (systemId.isEmpty()) {
      return null;
    }
    String kind =
        device.getSpecialization().stream()
            .flatMap(s -> s.getSystemType().getCoding().stream())
            .filter(c -> Terminology.MDC.equals(c.getSystem()))
            .map(c -> DEVICE_KINDS.get(c.getCode()))
            .filter(java.util.Objects::nonNull)
            .findFirst()
            .orElse(null);
    String model =
        device.hasModelNumber()
            ? device.getModelNumber()
            : device.getDeviceName().stream()
                .map(Device.DeviceDeviceNameComponent::getName)
                .findFirst()
                .orElse(null);
    return new DeviceInfo(
        systemId.get(),
        DeviceInfo.PHD_SYSTEM_ID,
        kind,
        device.getManufacturer(),
        model,
        device.getSerialNumber());
  }

  private List<Component> panel(Observation observation, String identity) {
    Map<String, Quantity> parts = new HashMap<>();
    Map<String, Coding> partCodes = new HashMap<>();
    for (Observation.ObservationComponentComponent component : observation.getComponent()) {
      Optional<Coding> code = measurementCoding(component.getCode().getCoding());
      if (code.isEmpty() || !component.hasValueQuantity()) {
        continue; // a status or an unknown part: not one of the panel's values
      }
      String part =
          rules
              .terminology()
              .measurementOf(code.get().getSystem(), code.get().getCode())
              .get()
              .code();
      parts.put(part, component.getValueQuantity());
      partCodes.put(part, code.get());
    }
    if (!parts.containsKey("systolic") || !parts.containsKey("diastolic")) {
      throw new EntryException(
          "bp-panel", identity, "incomplete-bp: a panel needs systolic and diastolic components");
    }
    NormalisedValue systolic = normalise("systolic", parts.get("systolic"), identity);
    NormalisedValue diastolic = normalise("diastolic", parts.get("diastolic"), identity);
    Optional<String> bad =
        rules
            .implausible("systolic", systolic.value())
            .or(() -> rules.implausible("diastolic", diastolic.value()))
            .or(() -> MeasurementRules.implausiblePanel(systolic.value(), diastolic.value()));
    if (bad.isPresent()) {
      throw new EntryException("bp-panel", identity, bad.get());
    }
    List<Component> components = new ArrayList<>();
    components.add(component(partCodes.get("systolic"), systolic, identity));
    components.add(component(partCodes.get("diastolic"), diastolic, identity));
    if (parts.containsKey("mean-arterial")) {
      NormalisedValue map = normalise("mean-arterial", parts.get("mean-arterial"), identity);
      if (MeasurementRules.meanArterialFits(map.value(), systolic.value(), diastolic.value())) {
        components.add(component(partCodes.get("mean-arterial"), map, identity));
      }
    }
    return components;
  }

  private Component component(Coding code, NormalisedValue value, String identity) {
    return new Component(
        codings(code, "bp-panel", identity, null), MeasurementRules.quantity(value));
  }

  private NormalisedValue normalise(String measurement, Quantity quantity, String identity) {
    if (!quantity.hasValue()) {
      throw new EntryException(measurement, identity, "missing-value: " + measurement);
    }
    BigDecimal value = quantity.getValue();
    String unit = quantity.hasCode() ? quantity.getCode() : quantity.getUnit();
    try {
      String ucum =
          quantity.hasSystem() && !Terminology.UCUM.equals(quantity.getSystem())
              ? rules.terminology().ucumUnit(quantity.getSystem(), unit)
              : rules.terminology().ucumUnit(Terminology.UCUM, unit);
      return rules.normalise(measurement, value, ucum);
    } catch (IllegalArgumentException e) {
      throw new EntryException(
          measurement,
          identity,
          "wrong-unit: '%s' is not a unit of %s".formatted(unit, measurement));
    }
  }
}
