package no.homemonitoring.bridge.fhir;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.HexFormat;
import java.util.TimeZone;
import no.homemonitoring.bridge.BoundPatient;
import no.homemonitoring.bridge.Component;
import no.homemonitoring.bridge.Origin;
import no.homemonitoring.bridge.Reading;
import no.homemonitoring.bridge.TimeQuality;
import no.homemonitoring.terminology.Terminology;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/** Makes the FHIR Observation of a bound reading, in the shape of the project's profiles. */
public final class ObservationFactory {

  /** The bridge's identifier system of measurements (the identity of §9 of the formats). */
  public static final String IDENTITY_SYSTEM = Terminology.BASE + "/sid/measurement";

  public static final String ORIGIN_SYSTEM = Terminology.BASE + "/CodeSystem/measurement-origin";
  public static final String TIME_QUALITY_SYSTEM = Terminology.BASE + "/CodeSystem/time-quality";
  public static final String FLAG_SYSTEM = Terminology.BASE + "/CodeSystem/measurement-flag";

  private static final Coding VITAL_SIGNS =
      new Coding(
          "http://terminology.hl7.org/CodeSystem/observation-category",
          "vital-signs",
          "Vital Signs");

  private ObservationFactory() {}

  /**
   * The logical id of the Observation of an identity: the same measurement always lands on the same
   * resource, however often and however concurrently it is delivered.
   */
  public static String observationId(String identity) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((IDENTITY_SYSTEM + "|" + identity).getBytes(StandardCharsets.UTF_8));
      return "m-" + HexFormat.of().formatHex(hash, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The Observation of a reading.
   *
   * @param deviceId the logical id of the Device it names
   */
  public static Observation observation(Reading reading, BoundPatient patient, String deviceId) {
    String identity = reading.identityFor(patient.id());
    Observation observation = new Observation();
    observation.setId(observationId(identity));
    observation.addIdentifier(new Identifier().setSystem(IDENTITY_SYSTEM).setValue(identity));
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.addCategory(new CodeableConcept(VITAL_SIGNS.copy()));
    CodeableConcept code = new CodeableConcept();
    reading.codings().forEach(coding -> code.addCoding(coding.copy()));
    observation.setCode(code);
    observation.setSubject(subject(patient));
    if (reading.effectiveEnd() != null) {
      observation.setEffective(
          new Period()
              .setStartElement(dateTime(reading.effective(), reading.timeQuality()))
              .setEndElement(dateTime(reading.effectiveEnd(), reading.timeQuality())));
    } else {
      observation.setEffective(dateTime(reading.effective(), reading.timeQuality()));
    }
    if (reading.origin() == Origin.MANUAL) {
      observation.addPerformer(new Reference("Patient/" + patient.id()));
    }
    if (reading.value() != null) {
      observation.setValue(reading.value().copy());
    }
    for (Component component : reading.components()) {
      CodeableConcept componentCode = new CodeableConcept();
      component.codings().forEach(coding -> componentCode.addCoding(coding.copy()));
      observation.addComponent().setCode(componentCode).setValue(component.value().copy());
    }
    if (reading.bodySite() != null) {
      observation.setBodySite(new CodeableConcept(reading.bodySite().copy()));
    }
    observation.setDevice(new Reference("Device/" + deviceId));
    observation.getMeta().addTag(ORIGIN_SYSTEM, reading.origin().code(), null);
    observation.getMeta().addTag(TIME_QUALITY_SYSTEM, reading.timeQuality().code(), null);
    reading.flags().stream()
        .sorted()
        .forEach(flag -> observation.getMeta().addTag(FLAG_SYSTEM, flag, null));
    return observation;
  }

  private static Reference subject(BoundPatient patient) {
    Reference subject = new Reference("Patient/" + patient.id());
    subject.setIdentifier(
        new Identifier().setSystem(patient.nationalIdSystem()).setValue(patient.nationalId()));
    if (patient.display() != null) {
      subject.setDisplay(patient.display());
    }
    return subject;
  }

  private static DateTimeType dateTime(OffsetDateTime time, TimeQuality quality) {
    Date date = Date.from(time.toInstant());
    TemporalPrecisionEnum precision;
    if (quality == TimeQuality.DATE_ONLY) {
      DateTimeType day = new DateTimeType(time.toLocalDate().toString());
      return day;
    } else if (time.getNano() != 0) {
      precision = TemporalPrecisionEnum.MILLI;
    } else {
      precision = TemporalPrecisionEnum.SECOND;
    }
    return new DateTimeType(date, precision, TimeZone.getTimeZone(time.getOffset()));
  }
}
