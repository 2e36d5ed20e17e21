package no.homemonitoring.server.demo;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.BundleBuilder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;
import no.homemonitoring.profiles.Profiles;
import no.homemonitoring.terminology.Measurement;
import no.homemonitoring.terminology.Terminology;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Timing;

/**
 * A synthetic home-monitoring population: patients with fictitious national ids, their care plans
 * and goals, devices, a month of measurements (some abnormal, some missing) and a few relatives
 * with consents.
 *
 * <p>Everything is derived from a fixed seed and the calendar date, and every resource has a
 * deterministic id, so loading the population again updates in place and never duplicates: a
 * measurement keeps its id and value for its date.
 */
public final class DemoPopulation {

  static final ZoneId OSLO = ZoneId.of("Europe/Oslo");
  static final String FNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.1";
  static final String HPR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.4";
  static final String KOMMUNENUMMER_SYSTEM = "urn:oid:2.16.578.1.12.4.1.1.3402";
  static final String PHD_SYSTEM_ID = "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680";
  static final String VOLVEN_KINSHIP = "urn:oid:2.16.578.1.12.4.1.1.9033";
  static final String VOLVEN_REPRESENTATION = "urn:oid:2.16.578.1.12.4.1.1.7611";
  static final String LOINC = "http://loinc.org";
  static final String UCUM = "http://unitsofmeasure.org";
  static final String MDC = Terminology.MDC;
  private static final Terminology TERMINOLOGY = Terminology.bundled();
  static final String ORGANIZATION_ID = "demo-municipality";
  static final String NURSE_ID = "demo-nurse";
  static final String SPECIALIST_ID = "demo-specialist";

  /** Enhetsregisteret's organisation number system (the legal entity's number). */
  public static final String ORGNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.101";

  /** The demo municipality's organisation number: fictitious (nine nines, valid check digit). */
  public static final String MUNICIPALITY_ORGNR = "999999999";

  /** The demo hospital's organisation number: fictitious. */
  public static final String HOSPITAL_ORGNR = "999999980";

  public static final String NURSE_HPR = "9000001";
  public static final String SPECIALIST_HPR = "9000002";

  private static final String[] GIVEN_NAMES = {
    "Kari", "Ola", "Ingrid", "Arne", "Solveig", "Bjørn", "Astrid", "Knut", "Liv", "Odd",
    "Randi", "Terje", "Gunvor", "Per", "Berit", "Svein", "Marit", "Egil", "Turid", "Harald"
  };
  private static final String[] FAMILY_NAMES = {
    "Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
    "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen",
    "Hagen", "Johannessen", "Andreassen", "Jacobsen"
  };

  private final FhirContext fhirContext;
  private final int patientCount;
  private final int days;
  private final LocalDate today;

  public DemoPopulation(FhirContext fhirContext, int patientCount, int days, LocalDate today) {
    this.fhirContext = fhirContext;
    this.patientCount = patientCount;
    this.days = days;
    this.today = today;
  }

  /** The shared resources (municipality, nurse) first, then one transaction per patient. */
  public List<Bundle> transactions() {
    List<Bundle> bundles = new ArrayList<>();
    BundleBuilder shared = new BundleBuilder(fhirContext);
    shared.addTransactionUpdateEntry(municipality());
    shared.addTransactionUpdateEntry(nurse());
    shared.addTransactionUpdateEntry(specialist());
    bundles.add(shared.getBundleTyped());
    for (int n = 1; n <= patientCount; n++) {
      bundles.add(patientTransaction(n));
    }
    return bundles;
  }

  private Bundle patientTransaction(int n) {
    RandomGenerator random = new SplittableRandom(n * 7919L);
    PatientProfile profile = PatientProfile.of(n);
    String patientId = "demo-patient-%02d".formatted(n);
    Patient patient = patient(n, patientId, random);
    Reference patientRef = new Reference("Patient/" + patientId);
    patientRef.setIdentifier(patient.getIdentifierFirstRep().copy());
    patientRef.setDisplay(patient.getNameFirstRep().getNameAsSingleString());

    BundleBuilder builder = new BundleBuilder(fhirContext);
    builder.addTransactionUpdateEntry(patient);
    Device device = device(patientId);
    builder.addTransactionUpdateEntry(device);
    CareTeam careTeam = careTeam(patientId, patientRef);
    if (n == 1) {
      careTeam
          .addParticipant()
          .setMember(new Reference("Practitioner/" + SPECIALIST_ID))
          .addRole(new CodeableConcept().setText("Spesialist, kardiologi"));
    }
    builder.addTransactionUpdateEntry(careTeam);
    List<Goal> goals = goals(patientId, patientRef, profile);
    goals.forEach(builder::addTransactionUpdateEntry);
    builder.addTransactionUpdateEntry(carePlan(patientId, patientRef, goals, careTeam));
    if (n % 4 == 1) {
      RelatedPerson relative = relative(n, patientId, patientRef, random);
      builder.addTransactionUpdateEntry(relative);
      builder.addTransactionUpdateEntry(consent(n, patientId, patientRef, relative));
    }
    for (Observation observation : measurements(patientId, patientRef, profile, random)) {
      builder.addTransactionUpdateEntry(observation);
    }
    return builder.getBundleTyped();
  }

  private Organization municipality() {
    Organization organization = new Organization();
    organization.setId(ORGANIZATION_ID);
    organization.addIdentifier().setSystem(KOMMUNENUMMER_SYSTEM).setValue("0301");
    organization.addIdentifier().setSystem(ORGNR_SYSTEM).setValue(MUNICIPALITY_ORGNR);
    organization.setName("Demo kommune, hjemmetjenesten");
    organization
        .addTelecom()
        .setSystem(ContactPoint.ContactPointSystem.PHONE)
        .setValue("+47 00 00 00 00");
    return organization;
  }

  private Practitioner nurse() {
    Practitioner nurse = new Practitioner();
    nurse.setId(NURSE_ID);
    nurse.addIdentifier().setSystem(HPR_SYSTEM).setValue(NURSE_HPR);
    nurse.addName().setFamily("Sykepleier").addGiven("Sigrid");
    return nurse;
  }

  /** A hospital cardiologist in the care team of the first patient (a care relation). */
  private Practitioner specialist() {
    Practitioner specialist = new Practitioner();
    specialist.setId(SPECIALIST_ID);
    specialist.addIdentifier().setSystem(HPR_SYSTEM).setValue(SPECIALIST_HPR);
    specialist.addName().setFamily("Kardiolog").addGiven("Henrik");
    return specialist;
  }

  private Patient patient(int n, String patientId, RandomGenerator random) {
    LocalDate birthDate = LocalDate.of(1930 + random.nextInt(25), 1 + random.nextInt(12), 1);
    birthDate = birthDate.withDayOfMonth(1 + random.nextInt(birthDate.lengthOfMonth()));
    Patient patient = new Patient();
    patient.setId(patientId);
    patient
        .addIdentifier()
        .setSystem(FNR_SYSTEM)
        .setValue(SyntheticNationalId.forBirthDate(birthDate, n * 10));
    patient
        .addName()
        .setUse(HumanName.NameUse.OFFICIAL)
        .setFamily(FAMILY_NAMES[(n - 1) % FAMILY_NAMES.length])
        .addGiven(GIVEN_NAMES[(n - 1) % GIVEN_NAMES.length]);
    patient.setGender(n % 2 == 0 ? AdministrativeGender.MALE : AdministrativeGender.FEMALE);
    patient.setBirthDate(Date.from(birthDate.atStartOfDay(OSLO).toInstant()));
    Address address = patient.addAddress().setUse(Address.AddressUse.HOME).setCity("Oslo");
    address.addExtension(Profiles.MUNICIPALITY, new Coding(KOMMUNENUMMER_SYSTEM, "0301", "Oslo"));
    patient.setManagingOrganization(new Reference("Organization/" + ORGANIZATION_ID));
    return patient;
  }

  private Device device(String patientId) {
    Device device = new Device();
    device.setId(patientId + "-bp-monitor");
    device.addIdentifier().setSystem(PHD_SYSTEM_ID).setValue(deterministicHex(patientId, 16));
    device.setManufacturer("Demo Medical");
    device.addDeviceName().setName("Demo BP-100").setType(Device.DeviceNameType.MODELNAME);
    device.setSerialNumber("SN-" + patientId.toUpperCase());
    device.setModelNumber("BP-100");
    device.setPatient(new Reference("Patient/" + patientId));
    return device;
  }

  private CareTeam careTeam(String patientId, Reference patientRef) {
    CareTeam team = new CareTeam();
    team.setId(patientId + "-team");
    team.setStatus(CareTeam.CareTeamStatus.ACTIVE);
    team.setName("Hjemmetjenesten, fast team");
    team.setSubject(patientRef);
    team.addParticipant()
        .setMember(new Reference("Practitioner/" + NURSE_ID))
        .addRole(new CodeableConcept().setText("Kontaktperson"));
    team.addManagingOrganization(new Reference("Organization/" + ORGANIZATION_ID));
    return team;
  }

  private List<Goal> goals(String patientId, Reference patientRef, PatientProfile profile) {
    List<Goal> goals = new ArrayList<>();
    Goal ownGoal = new Goal();
    ownGoal.setId(patientId + "-goal-own");
    ownGoal.setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE);
    ownGoal.setDescription(new CodeableConcept().setText(profile.ownGoal()));
    ownGoal.setSubject(patientRef);
    goals.add(ownGoal);
    for (Measure measure : Measure.values()) {
      Goal goal = new Goal();
      goal.setId(patientId + "-goal-" + measure.slug);
      goal.setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE);
      goal.setDescription(
          new CodeableConcept().setText("Forventet verdiområde: " + measure.display));
      goal.setSubject(patientRef);
      Range expected =
          new Range()
              .setLow(quantity(measure.expectedLow(profile), measure))
              .setHigh(quantity(measure.expectedHigh(profile), measure));
      goal.addTarget().setMeasure(measure.loinc()).setDetail(expected);
      goals.add(goal);
    }
    return goals;
  }

  private CarePlan carePlan(
      String patientId, Reference patientRef, List<Goal> goals, CareTeam careTeam) {
    CarePlan plan = new CarePlan();
    plan.setId(patientId + "-careplan");
    plan.setStatus(CarePlan.CarePlanStatus.ACTIVE);
    plan.setIntent(CarePlan.CarePlanIntent.PLAN);
    plan.setTitle("Digital hjemmeoppfølging");
    plan.setSubject(patientRef);
    plan.setPeriod(new Period().setStart(toDate(today.minusDays(days), LocalTime.MIDNIGHT)));
    plan.addCareTeam(new Reference("CareTeam/" + careTeam.getIdElement().getIdPart()));
    plan.setAuthor(new Reference("Practitioner/" + NURSE_ID));
    goals.forEach(goal -> plan.addGoal(new Reference("Goal/" + goal.getIdElement().getIdPart())));
    for (Measure measure : Measure.values()) {
      CarePlan.CarePlanActivityComponent activity = plan.addActivity();
      CarePlan.CarePlanActivityDetailComponent detail =
          activity.getDetail().setKind(CarePlan.CarePlanActivityKind.SERVICEREQUEST);
      detail.setCode(measure.loinc());
      detail.setStatus(CarePlan.CarePlanActivityStatus.INPROGRESS);
      Timing timing = new Timing();
      timing
          .getRepeat()
          .setFrequency(measure.timesPerDay)
          .setPeriod(1)
          .setPeriodUnit(Timing.UnitsOfTime.D);
      detail.setScheduled(timing);
      detail.addGoal(new Reference("Goal/" + patientId + "-goal-" + measure.slug));
      measure.thresholds().forEach(activity::addExtension);
    }
    return plan;
  }

  private RelatedPerson relative(
      int n, String patientId, Reference patientRef, RandomGenerator random) {
    RelatedPerson relative = new RelatedPerson();
    relative.setId(patientId + "-relative");
    relative.setActive(true);
    relative.setPatient(patientRef);
    String kinship = n % 8 == 1 ? "DA" : "EF";
    relative
        .addRelationship()
        .addCoding()
        .setSystem(VOLVEN_KINSHIP)
        .setCode(kinship)
        .setDisplay(TERMINOLOGY.display(VOLVEN_KINSHIP, kinship).orElseThrow());
    LocalDate birthDate = LocalDate.of(1955 + random.nextInt(20), 1 + random.nextInt(12), 10);
    relative
        .addIdentifier()
        .setSystem(FNR_SYSTEM)
        .setValue(SyntheticNationalId.forBirthDate(birthDate, 300 + n));
    relative
        .addName()
        .setFamily(FAMILY_NAMES[(n - 1) % FAMILY_NAMES.length])
        .addGiven("DA".equals(kinship) ? "Hanne" : "Jorunn");
    relative
        .addTelecom()
        .setSystem(ContactPoint.ContactPointSystem.PHONE)
        .setValue("+47 00 00 00 01");
    return relative;
  }

  /**
   * A relative's access as the patient granted it: measurements and the care plan, for a year; one
   * patient withholds weight readings (a nested deny), and one has withdrawn the consent.
   */
  private Consent consent(int n, String patientId, Reference patientRef, RelatedPerson relative) {
    Consent consent = new Consent();
    consent.setId(patientId + "-consent-relative");
    consent.setStatus(n == 13 ? Consent.ConsentState.INACTIVE : Consent.ConsentState.ACTIVE);
    consent.setScope(
        new CodeableConcept(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/consentscope",
                "patient-privacy",
                "Privacy Consent")));
    consent.addCategory(new CodeableConcept(new Coding(LOINC, "59284-0", "Consent Document")));
    consent.setPatient(patientRef);
    consent.setDateTimeElement(new DateTimeType(toDate(today.minusDays(days), LocalTime.NOON)));
    consent.addPerformer(patientRef);
    consent.setPolicyRule(
        new CodeableConcept(
            new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", "opt-in")));
    Consent.ProvisionComponent provision = consent.getProvision();
    provision.setType(Consent.ConsentProvisionType.PERMIT);
    provision.setPeriod(
        new Period()
            .setStart(toDate(today.minusDays(days), LocalTime.NOON))
            .setEnd(toDate(today.minusDays(days).plusYears(1), LocalTime.NOON)));
    provision
        .addActor()
        .setRole(
            new CodeableConcept(
                new Coding(
                    VOLVEN_REPRESENTATION,
                    "FU",
                    TERMINOLOGY.display(VOLVEN_REPRESENTATION, "FU").orElseThrow())))
        .setReference(new Reference("RelatedPerson/" + relative.getIdElement().getIdPart()));
    provision.addAction(
        new CodeableConcept(
            new Coding("http://terminology.hl7.org/CodeSystem/consentaction", "access", "Access")));
    provision.addClass_(new Coding("http://hl7.org/fhir/resource-types", "Observation", null));
    provision.addClass_(new Coding("http://hl7.org/fhir/resource-types", "CarePlan", null));
    if (n == 9) {
      Consent.ProvisionComponent deny = provision.addProvision();
      deny.setType(Consent.ConsentProvisionType.DENY);
      deny.addCode(Measure.WEIGHT.loinc());
    }
    return consent;
  }

  private List<Observation> measurements(
      String patientId, Reference patientRef, PatientProfile profile, RandomGenerator random) {
    List<Observation> observations = new ArrayList<>();
    Reference deviceRef = new Reference("Device/" + patientId + "-bp-monitor");
    for (int dayIndex = days - 1; dayIndex >= 0; dayIndex--) {
      LocalDate date = today.minusDays(dayIndex);
      RandomGenerator daily = new SplittableRandom(patientId.hashCode() * 31L + date.toEpochDay());
      if (profile.skips(dayIndex, daily)) {
        continue;
      }
      double trend = (days - dayIndex) / (double) days;
      for (Measure measure : Measure.values()) {
        for (int slot = 0; slot < measure.timesPerDay; slot++) {
          LocalTime time = LocalTime.of(slot == 0 ? 8 : 20, daily.nextInt(50), daily.nextInt(60));
          observations.add(
              observation(
                  patientId,
                  patientRef,
                  deviceRef,
                  measure,
                  date,
                  slot,
                  time,
                  profile,
                  trend,
                  daily));
        }
      }
    }
    return observations;
  }

  private Observation observation(
      String patientId,
      Reference patientRef,
      Reference deviceRef,
      Measure measure,
      LocalDate date,
      int slot,
      LocalTime time,
      PatientProfile profile,
      double trend,
      RandomGenerator daily) {
    String key =
        "%s-%s-%s-%d"
            .formatted(
                patientId, measure.slug, date.format(DateTimeFormatter.BASIC_ISO_DATE), slot);
    Observation observation = new Observation();
    observation.setId(key.replace("demo-patient-", "demo-obs-"));
    observation
        .addIdentifier()
        .setSystem("urn:ietf:rfc:3986")
        .setValue("urn:uuid:" + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)));
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.addCategory(
        new CodeableConcept(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/observation-category",
                "vital-signs",
                "Vital Signs")));
    observation.setCode(codeOf(measure.mdc));
    observation.setSubject(patientRef);
    observation.setDevice(deviceRef);
    observation.setEffective(new DateTimeType(toDate(date, time)));
    if (measure == Measure.BLOOD_PRESSURE) {
      double systolic = profile.systolic(trend) + daily.nextGaussian() * 7;
      double diastolic = profile.diastolic(trend) + daily.nextGaussian() * 5;
      observation.addComponent().setCode(codeOf("150021")).setValue(mmHg(systolic));
      observation.addComponent().setCode(codeOf("150022")).setValue(mmHg(diastolic));
    } else {
      double value =
          switch (measure) {
            case WEIGHT -> profile.weight(trend) + daily.nextGaussian() * 0.3;
            case SPO2 -> Math.min(100, profile.spo2(trend) + daily.nextGaussian() * 1.2);
            case PULSE -> profile.pulse(trend) + daily.nextGaussian() * 6;
            default -> throw new IllegalStateException(measure.name());
          };
      observation.setValue(quantity(value, measure));
    }
    return observation;
  }

  /** LOINC, SNOMED CT and MDC codings of a device's MDC code, from the terminology module. */
  private static CodeableConcept codeOf(String mdc) {
    CodeableConcept concept = new CodeableConcept();
    TERMINOLOGY.codings(MDC, mdc).forEach(concept::addCoding);
    return concept;
  }

  private static Quantity mmHg(double value) {
    String unit = TERMINOLOGY.measurement("systolic").canonicalUnit();
    return new Quantity().setValue(Math.round(value)).setUnit(unit).setSystem(UCUM).setCode(unit);
  }

  private static Quantity quantity(double value, Measure measure) {
    double rounded = Math.round(value * measure.precision) / (double) measure.precision;
    return new Quantity()
        .setValue(rounded)
        .setUnit(measure.unit)
        .setSystem(UCUM)
        .setCode(measure.unit);
  }

  private static Date toDate(LocalDate date, LocalTime time) {
    return Date.from(ZonedDateTime.of(date, time, OSLO).toInstant());
  }

  private static String deterministicHex(String seed, int length) {
    String hex =
        UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    return hex.substring(0, length).toUpperCase();
  }

  /** The measurements of the demo care plans. */
  enum Measure {
    // Each demo device reports the IEEE 11073 code; its LOINC, SNOMED CT codes and unit come
    // from the terminology module.
    BLOOD_PRESSURE("bp", "150020", 2, 1),
    WEIGHT("weight", "188736", 1, 10),
    SPO2("spo2", "150456", 1, 1),
    PULSE("pulse", "149546", 1, 1);

    final String slug;
    final String mdc;
    final String display;
    final String unit;
    final int timesPerDay;
    final int precision;

    Measure(String slug, String mdc, int timesPerDay, int precision) {
      this.slug = slug;
      this.mdc = mdc;
      Measurement measurement = TERMINOLOGY.measurementOf(MDC, mdc).orElseThrow();
      this.display = measurement.display();
      this.unit = measurement.canonicalUnit();
      this.timesPerDay = timesPerDay;
      this.precision = precision;
    }

    /** The LOINC codings (what care plans and goals name). */
    CodeableConcept loinc() {
      CodeableConcept concept = new CodeableConcept();
      TERMINOLOGY.translate(MDC, mdc, LOINC).forEach(concept::addCoding);
      return concept;
    }

    /** The plan's alarm bands (hm-alarm-threshold): the usual home-care defaults. */
    List<Extension> thresholds() {
      return switch (this) {
        case BLOOD_PRESSURE ->
            List.of(
                threshold("8480-6", "red", 180.0, null),
                threshold("8480-6", "yellow", 160.0, 180.0),
                threshold("8480-6", "red", null, 90.0),
                threshold("8462-4", "red", 110.0, null));
        case WEIGHT -> List.of();
        case SPO2 ->
            List.of(
                threshold("59408-5", "red", null, 88.0),
                threshold("59408-5", "yellow", 88.0, 92.0));
        case PULSE ->
            List.of(
                threshold("8867-4", "red", 130.0, null),
                threshold("8867-4", "yellow", 110.0, 130.0),
                threshold("8867-4", "red", null, 40.0));
      };
    }

    private Extension threshold(String loinc, String zone, Double low, Double high) {
      String quantityUnit = this == BLOOD_PRESSURE ? "mm[Hg]" : unit;
      Extension threshold = new Extension(Profiles.ALARM_THRESHOLD);
      threshold.addExtension("code", new CodeableConcept(new Coding(LOINC, loinc, null)));
      threshold.addExtension("zone", new CodeType(zone));
      if (low != null) {
        threshold.addExtension(
            "low",
            new Quantity()
                .setValue(low)
                .setSystem(UCUM)
                .setCode(quantityUnit)
                .setUnit(quantityUnit));
      }
      if (high != null) {
        threshold.addExtension(
            "high",
            new Quantity()
                .setValue(high)
                .setSystem(UCUM)
                .setCode(quantityUnit)
                .setUnit(quantityUnit));
      }
      return threshold;
    }

    double expectedLow(PatientProfile profile) {
      return switch (this) {
        case BLOOD_PRESSURE -> 100;
        case WEIGHT -> profile.baseWeight - 2;
        case SPO2 -> profile.copd ? 88 : 93;
        case PULSE -> 50;
      };
    }

    double expectedHigh(PatientProfile profile) {
      return switch (this) {
        case BLOOD_PRESSURE -> 150;
        case WEIGHT -> profile.baseWeight + 2;
        case SPO2 -> 100;
        case PULSE -> 100;
      };
    }
  }

  /** What kind of patient a demo patient is: stable, heart failure, COPD, hypertension. */
  record PatientProfile(
      int number,
      double baseWeight,
      boolean heartFailure,
      boolean copd,
      boolean hypertension,
      boolean irregular) {

    static PatientProfile of(int n) {
      return new PatientProfile(
          n, 58 + (n * 37 % 40), n % 5 == 2, n % 5 == 3, n % 5 == 4, n % 7 == 0);
    }

    String ownGoal() {
      return heartFailure
          ? "Klare meg selv hjemme og gå til butikken"
          : copd ? "Gå tur med hunden hver dag" : "Bo trygt hjemme og treffe barnebarna";
    }

    /**
     * Missing days: an irregular patient misses about one day in five and had a three-day gap a
     * week and a half ago; others miss about one day in twenty.
     */
    boolean skips(int daysAgo, RandomGenerator daily) {
      if (irregular && daysAgo >= 9 && daysAgo <= 11) {
        return true;
      }
      return daily.nextDouble() < (irregular ? 0.2 : 0.05);
    }

    double systolic(double trend) {
      return hypertension ? 150 + 20 * trend : 128;
    }

    double diastolic(double trend) {
      return hypertension ? 92 + 8 * trend : 80;
    }

    /** Heart failure: fluid retention shows as weight gain over the last week. */
    double weight(double trend) {
      return heartFailure ? baseWeight + Math.max(0, trend - 0.75) * 14 : baseWeight;
    }

    double spo2(double trend) {
      return copd ? 93 - 5 * trend : 97;
    }

    double pulse(double trend) {
      return heartFailure ? 80 + 20 * trend : 70;
    }
  }
}
