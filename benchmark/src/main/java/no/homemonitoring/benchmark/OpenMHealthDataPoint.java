package no.homemonitoring.benchmark;

import org.hl7.fhir.r4.model.Observation;

/**
 * The Open mHealth blood-pressure data point (omh:blood-pressure:4.0) a vendor pushes for a
 * reading: the values and time of the FHIR Observation the plain POST sends, with the Observation's
 * idempotency UUID as {@code header.id}, so that distinct readings are distinct measurements (and
 * distinct bodies, so every push signature is new).
 */
final class OpenMHealthDataPoint {

  static final String SOURCE_NAME = "Benchmark blood-pressure app";
  private static final String UUID_PREFIX = "urn:uuid:";

  private OpenMHealthDataPoint() {}

  /** {@code reading} as SyntheticPopulation makes it; {@code userId} names its patient. */
  static String of(Observation reading, String userId) {
    String id = reading.getIdentifierFirstRep().getValue().replaceFirst("^" + UUID_PREFIX, "");
    String effective = reading.getEffectiveDateTimeType().getValueAsString();
    String created = reading.getEffectiveDateTimeType().getValue().toInstant().toString();
    return """
        {"header":{"id":"%s","creation_date_time":"%s",\
        "schema_id":{"namespace":"omh","name":"blood-pressure","version":"4.0"},\
        "acquisition_provenance":{"source_name":"%s","modality":"sensed"},"user_id":"%s"},\
        "body":{"systolic_blood_pressure":{"value":%d,"unit":"mmHg"},\
        "diastolic_blood_pressure":{"value":%d,"unit":"mmHg"},\
        "body_posture":"sitting","measurement_location":"left upper arm",\
        "effective_time_frame":{"date_time":"%s"}}}"""
        .formatted(
            id,
            created,
            SOURCE_NAME,
            userId,
            componentValue(reading, SyntheticPopulation.SYSTOLIC),
            componentValue(reading, SyntheticPopulation.DIASTOLIC),
            effective);
  }

  private static int componentValue(Observation reading, String loinc) {
    return reading.getComponent().stream()
        .filter(component -> component.getCode().hasCoding(SyntheticPopulation.LOINC, loinc))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no component " + loinc))
        .getValueQuantity()
        .getValue()
        .intValueExact();
  }
}
