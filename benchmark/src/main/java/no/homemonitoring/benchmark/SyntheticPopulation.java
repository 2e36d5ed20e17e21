package no.homemonitoring.benchmark;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.util.BundleBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TimeZone;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;

/**
 * Home-care patients who measure their blood pressure morning and evening. Everything is derived
 * from the seed, so every run and both servers of a comparison store exactly the same data.
 */
final class SyntheticPopulation {

  static final String LOINC = "http://loinc.org";
  static final String BLOOD_PRESSURE_PANEL = "85354-9";
  static final String SYSTOLIC = "8480-6";
  static final String DIASTOLIC = "8462-4";
  static final String SNOMED_CT = "http://snomed.info/sct";
  static final String OBSERVATION_CATEGORY =
      "http://terminology.hl7.org/CodeSystem/observation-category";
  static final String UCUM = "http://unitsofmeasure.org";
  static final String MILLIMETRES_OF_MERCURY = "mm[Hg]";
  static final String MDC = "urn:iso:std:iso:11073:10101";
  static final String MUNICIPALITY_EXTENSION =
      "http://homemonitoring.no/fhir/StructureDefinition/hm-municipality";
  static final String MUNICIPALITY_SYSTEM = "urn:oid:2.16.578.1.12.4.1.1.3402";
  static final String IDEMPOTENCY_SYSTEM = "urn:ietf:rfc:3986";
  // IEEE 11073-20601 system ids (EUI-64) identify a PHD device.
  static final String DEVICE_SYSTEM_ID = "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680";

  /** Municipality number and name, a few of the country's largest. */
  private static final String[][] MUNICIPALITIES = {
    {"0301", "Oslo"}, {"4601", "Bergen"}, {"5001", "Trondheim"}, {"1103", "Stavanger"}
  };

  private static final LocalTime MORNING = LocalTime.of(7, 30);
  private static final LocalTime EVENING = LocalTime.of(20, 0);
  private static final int JITTER_MINUTES = 45;
  private static final Duration RECENT = Duration.ofHours(12);
  // Individual numbers 000-499 are valid for anyone born 1900-1999, so birth years stay there.
  private static final LocalDate EARLIEST_BIRTH = LocalDate.of(1930, 1, 1);
  private static final int BIRTH_DAYS = 30 * 365;
  private static final int INDIVIDUAL_NUMBERS = 500;

  private final int patients;
  private final int readingsPerPatient;
  private final long seed;
  private final Clock clock;
  private final List<Person> people;

  SyntheticPopulation(int patients, int readingsPerPatient, long seed, Clock clock) {
    this.patients = patients;
    this.readingsPerPatient = readingsPerPatient;
    this.seed = seed;
    this.clock = clock;
    this.people = people(patients, seed);
  }

  /**
   * Who the patients are, drawn once: Observations carry their patient's national id, so they need
   * it without building the Patient.
   */
  private record Person(String nationalId, LocalDate birthDate, int individualNumber) {}

  private static List<Person> people(int patients, long seed) {
    RandomGenerator random = new SplittableRandom(seed);
    Set<String> issued = new HashSet<>();
    List<Person> people = new ArrayList<>(patients);
    for (int patient = 1; patient <= patients; patient++) {
      LocalDate birthDate;
      int individualNumber;
      Optional<String> nationalId;
      do {
        birthDate = EARLIEST_BIRTH.plusDays(random.nextInt(BIRTH_DAYS));
        individualNumber = random.nextInt(INDIVIDUAL_NUMBERS);
        nationalId = SyntheticNationalId.of(birthDate, individualNumber);
      } while (nationalId.isEmpty() || !issued.add(nationalId.get()));
      people.add(new Person(nationalId.get(), birthDate, individualNumber));
    }
    return people;
  }

  static String patientId(int patient) {
    return "bench-p" + patient;
  }

  int patients() {
    return patients;
  }

  int readingsPerPatient() {
    return readingsPerPatient;
  }

  /** Patients 1..n, each PUT with a fixed id so observations can reference them in advance. */
  Bundle patientTransaction() {
    BundleBuilder transaction = new BundleBuilder(FhirJson.context());
    transaction.setType("transaction");
    transaction.addTransactionUpdateEntry(municipality());
    for (int patient = 1; patient <= patients; patient++) {
      transaction.addTransactionUpdateEntry(patient(patient));
    }
    return transaction.getBundleTyped();
  }

  /**
   * All readings of one patient, two a day going back from yesterday: 300 readings cover the last
   * 150 days. Each patient has a random generator of its own, so bundles can be built on any thread
   * in any order and still be the same.
   */
  Bundle observationTransaction(int patient) {
    RandomGenerator random = new SplittableRandom(seed * 31 + patient);
    BloodPressureTrend trend = BloodPressureTrend.random(random);
    LocalDate today = LocalDate.now(clock);
    BundleBuilder transaction = new BundleBuilder(FhirJson.context());
    transaction.setType("transaction");
    for (int reading = 0; reading < readingsPerPatient; reading++) {
      LocalTime usualTime = reading % 2 == 0 ? EVENING : MORNING;
      ZonedDateTime measured =
          today
              .minusDays(1 + reading / 2)
              .atTime(usualTime)
              .atZone(clock.getZone())
              .plusMinutes(random.nextInt(-JITTER_MINUTES, JITTER_MINUTES + 1));
      transaction.addTransactionCreateEntry(bloodPressure(patient, measured, trend, random));
    }
    return transaction.getBundleTyped();
  }

  /** A reading an app might send now: a random patient, measured within the last hours. */
  Observation recentReading(RandomGenerator random) {
    return recentReading(random.nextInt(1, patients + 1), random);
  }

  /** A reading of the given patient (1..n), measured within the last hours. */
  Observation recentReading(int patient, RandomGenerator random) {
    ZonedDateTime measured =
        ZonedDateTime.now(clock)
            .minusSeconds(random.nextLong(RECENT.toSeconds()))
            .truncatedTo(ChronoUnit.SECONDS);
    return bloodPressure(patient, measured, BloodPressureTrend.random(random), random);
  }

  /** The home-care service all patients belong to; the benchmark's nurse works there. */
  static org.hl7.fhir.r4.model.Organization municipality() {
    org.hl7.fhir.r4.model.Organization organization = new org.hl7.fhir.r4.model.Organization();
    organization.setId(MUNICIPALITY_ID);
    organization
        .addIdentifier()
        .setSystem("urn:oid:2.16.578.1.12.4.1.4.101")
        .setValue(FhirEndpoint.MUNICIPALITY_ORGNR);
    organization.setName("Benchmark kommune, hjemmetjenesten");
    return organization;
  }

  static final String MUNICIPALITY_ID = "benchmark-municipality";

  /** Patient {@code patient} (1..n) with its national id, name, birth date and municipality. */
  Patient patient(int patient) {
    Person person = people.get(patient - 1);
    Patient resource = new Patient();
    resource.setId(patientId(patient));
    resource.addIdentifier().setSystem(SyntheticNationalId.SYSTEM).setValue(person.nationalId());
    resource.addName().setFamily("Benchmark").addGiven("Patient " + patient);
    resource.setBirthDateElement(new DateType(person.birthDate().toString()));
    // The third individual digit carries sex in a fødselsnummer: odd for men.
    resource.setGender(
        person.individualNumber() % 2 == 1
            ? AdministrativeGender.MALE
            : AdministrativeGender.FEMALE);
    resource.setManagingOrganization(
        new org.hl7.fhir.r4.model.Reference("Organization/" + MUNICIPALITY_ID));
    String[] municipality = MUNICIPALITIES[patient % MUNICIPALITIES.length];
    resource
        .addAddress()
        .setCity(municipality[1])
        .addExtension(
            MUNICIPALITY_EXTENSION,
            new Coding(MUNICIPALITY_SYSTEM, municipality[0], municipality[1]));
    return resource;
  }

  /**
   * A reading as the project's blood-pressure profile wants it: LOINC, SNOMED CT and MDC codes, an
   * idempotency identifier, the measuring device, and the subject as reference and national id.
   */
  private Observation bloodPressure(
      int patient, ZonedDateTime measured, BloodPressureTrend trend, RandomGenerator random) {
    Observation observation = new Observation();
    observation
        .addIdentifier()
        .setSystem(IDEMPOTENCY_SYSTEM)
        .setValue("urn:uuid:" + new UUID(random.nextLong(), random.nextLong()));
    observation.setStatus(ObservationStatus.FINAL);
    observation
        .addCategory()
        .addCoding(new Coding(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs"));
    observation
        .getCode()
        .addCoding(new Coding(LOINC, BLOOD_PRESSURE_PANEL, "Blood pressure panel"))
        .addCoding(new Coding(SNOMED_CT, "75367002", "Blood pressure"))
        .addCoding(new Coding(MDC, "150020", null));
    observation.getSubject().setReference("Patient/" + patientId(patient));
    observation
        .getSubject()
        .getIdentifier()
        .setSystem(SyntheticNationalId.SYSTEM)
        .setValue(people.get(patient - 1).nationalId());
    observation
        .getDevice()
        .setDisplay("Blood pressure monitor")
        .getIdentifier()
        .setSystem(DEVICE_SYSTEM_ID)
        .setValue(String.format("00A0B1FFFE%06X", patient));
    observation.setEffective(
        new DateTimeType(
            Date.from(measured.toInstant()),
            TemporalPrecisionEnum.SECOND,
            TimeZone.getTimeZone(measured.getZone())));
    int systolic = trend.systolic(random);
    observation.addComponent(
        component(SYSTOLIC, "271649006", "150021", "Systolic blood pressure", systolic));
    observation.addComponent(
        component(
            DIASTOLIC,
            "271650006",
            "150022",
            "Diastolic blood pressure",
            trend.diastolic(random, systolic)));
    return observation;
  }

  private static ObservationComponentComponent component(
      String loinc, String snomed, String mdc, String display, int value) {
    ObservationComponentComponent component = new ObservationComponentComponent();
    component
        .getCode()
        .addCoding(new Coding(LOINC, loinc, display))
        .addCoding(new Coding(SNOMED_CT, snomed, null))
        .addCoding(new Coding(MDC, mdc, null));
    component.setValue(
        new Quantity()
            .setValue(value)
            .setUnit(MILLIMETRES_OF_MERCURY)
            .setSystem(UCUM)
            .setCode(MILLIMETRES_OF_MERCURY));
    return component;
  }

  /**
   * A patient's usual pressure, so readings scatter around a personal level instead of jumping
   * across the whole range from one day to the next.
   */
  private record BloodPressureTrend(int usualSystolic, int usualDiastolic) {

    private static final int MIN_SYSTOLIC = 110;
    private static final int MAX_SYSTOLIC = 170;
    private static final int MIN_DIASTOLIC = 65;
    private static final int MAX_DIASTOLIC = 100;
    private static final int MIN_PULSE_PRESSURE = 25;

    static BloodPressureTrend random(RandomGenerator random) {
      return new BloodPressureTrend(random.nextInt(120, 156), random.nextInt(70, 91));
    }

    int systolic(RandomGenerator random) {
      return clamp(usualSystolic + random.nextGaussian() * 8, MIN_SYSTOLIC, MAX_SYSTOLIC);
    }

    int diastolic(RandomGenerator random, int systolic) {
      int upper = Math.min(MAX_DIASTOLIC, systolic - MIN_PULSE_PRESSURE);
      return clamp(usualDiastolic + random.nextGaussian() * 6, MIN_DIASTOLIC, upper);
    }

    private static int clamp(double value, int min, int max) {
      return (int) Math.max(min, Math.min(max, Math.round(value)));
    }
  }
}
