package no.homemonitoring.bridge;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Quantity;

/**
 * One vendor-neutral measurement, decoded and normalised, not yet bound to a patient.
 *
 * @param format the payload format it came from ({@code gatt}, {@code openmhealth}, ...)
 * @param concept the measurement code ({@code bp-panel}, {@code pulse}, ...)
 * @param identity the deterministic identity of the measurement (see {@link #identityFor}); the
 *     token {@value #PATIENT_TOKEN} stands for the patient's logical id where the identity names it
 * @param subject how the payload names the patient
 * @param codings the Observation's codings (LOINC, SNOMED CT and MDC where known)
 * @param value the value in the canonical unit, or null for a panel
 * @param components the panel's components (empty for a single value)
 * @param effective the time of the measurement, with the offset to render it in
 * @param effectiveEnd the end of the measured interval, or null for a point in time
 * @param timeQuality how far {@code effective} can be trusted
 * @param origin how the value came about
 * @param flags quality flags ({@code questionable}, {@code continuous})
 * @param device the measuring device as far as the payload says, or null
 * @param bodySite where it was measured, or null
 * @param editedAt when the vendor last edited the value (an edit signal), or null
 */
public record Reading(
    String format,
    String concept,
    String identity,
    SubjectKey subject,
    List<Coding> codings,
    Quantity value,
    List<Component> components,
    OffsetDateTime effective,
    OffsetDateTime effectiveEnd,
    TimeQuality timeQuality,
    Origin origin,
    Set<String> flags,
    DeviceInfo device,
    Coding bodySite,
    Instant editedAt)
    implements Decoded {

  /** Stands for the patient's logical id in an identity that names the patient. */
  public static final String PATIENT_TOKEN = "{patient}";

  public Reading {
    codings = List.copyOf(codings);
    components = List.copyOf(components);
    flags = Set.copyOf(flags);
  }

  /** The identity once the patient is known. */
  public String identityFor(String patientId) {
    return identity.replace(PATIENT_TOKEN, patientId);
  }

  /** The same reading for another subject (a quarantined reading assigned by hand). */
  public Reading withSubject(SubjectKey other) {
    return new Reading(
        format,
        concept,
        identity,
        other,
        codings,
        value,
        components,
        effective,
        effectiveEnd,
        timeQuality,
        origin,
        flags,
        device,
        bodySite,
        editedAt);
  }
}
