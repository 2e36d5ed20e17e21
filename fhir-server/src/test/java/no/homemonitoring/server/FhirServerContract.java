package no.homemonitoring.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import no.homemonitoring.profiles.Profiles;
import no.homemonitoring.server.demo.SyntheticNationalId;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What every deployment of the server must do, checked black-box over HTTP with HAPI's generic
 * client. Subclasses run it against each supported database.
 */
@AutoConfigureObservability
abstract class FhirServerContract
    implements TerminologyContract, DeviceBridgeContract, AccessControlContract {

  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final String FNR = "urn:oid:2.16.578.1.12.4.1.4.1";
  static final String LOINC = "http://loinc.org";
  static final String WEIGHT = "29463-7";
  static final String PULSE = "8867-4";

  /** A backend integration's token: the contract is about the server, not about roles. */
  static final String SYSTEM_TOKEN = TestTokens.system();

  IGenericClient client;
  String baseUrl;
  final HttpClient http = HttpClient.newHttpClient();

  /** The port the server under test listens on. */
  abstract int port();

  @Override
  public IGenericClient fhirClient() {
    return client;
  }

  @Override
  public IdType newPatient() {
    return createPatient();
  }

  @Override
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public IdType newEnrolledPatient(String vendor, String vendorUser, String fnr) {
    return new IdType(
        client
            .create()
            .resource(DeviceBridgeContract.enrolled(patient(fnr), vendor, vendorUser))
            .execute()
            .getId()
            .toUnqualifiedVersionless()
            .getValue());
  }

  @DynamicPropertySource
  static void vendors(DynamicPropertyRegistry registry) {
    TestVendors.register(registry);
    TestTokens.register(registry);
  }

  @BeforeEach
  void connect() {
    baseUrl = "http://localhost:" + port();
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    client = TestTokens.asSystem(FHIR.newRestfulGenericClient(baseUrl + "/fhir"));
  }

  @Test
  void capabilityStatementListsTheProfilesWritesAreHeldTo() {
    CapabilityStatement capabilities =
        client.capabilities().ofType(CapabilityStatement.class).execute();

    List<String> observationProfiles =
        capabilities.getRestFirstRep().getResource().stream()
            .filter(resource -> resource.getType().equals("Observation"))
            .flatMap(resource -> resource.getSupportedProfile().stream())
            .map(CanonicalType::getValue)
            .toList();
    assertThat(observationProfiles)
        .containsExactlyInAnyOrder(
            Profiles.BLOOD_PRESSURE,
            Profiles.BODY_WEIGHT,
            Profiles.OXYGEN_SATURATION,
            Profiles.HEART_RATE);
  }

  @Test
  void capabilityStatementListsTheHomeMonitoringResourceTypes() {
    CapabilityStatement capabilities =
        client.capabilities().ofType(CapabilityStatement.class).execute();

    List<String> types =
        capabilities.getRestFirstRep().getResource().stream()
            .map(CapabilityStatement.CapabilityStatementRestResourceComponent::getType)
            .toList();
    assertThat(types)
        .contains(
            "Patient",
            "Observation",
            "CarePlan",
            "Goal",
            "Consent",
            "RelatedPerson",
            "Device",
            "Practitioner",
            "PractitionerRole",
            "Organization",
            "CareTeam",
            "Provenance",
            "AuditEvent",
            "Flag",
            "DetectedIssue",
            "Task",
            "DocumentReference",
            "Subscription",
            "StructureDefinition",
            "ValueSet",
            "CodeSystem",
            "ConceptMap")
        .doesNotContain("Medication", "Claim");
  }

  @Test
  void createdPatientCanBeReadBack() {
    Patient patient = patient(uniqueFnr());

    MethodOutcome outcome = client.create().resource(patient).execute();
    Patient read =
        client.read().resource(Patient.class).withId(outcome.getId().getIdPart()).execute();

    assertThat(outcome.getCreated()).isTrue();
    assertThat(read.getIdentifierFirstRep().getValue())
        .isEqualTo(patient.getIdentifierFirstRep().getValue());
    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Nordmann");
  }

  @Test
  void nurseQueryReturnsOnePatientsSeriesInTheWindowNewestFirstAndPaged() {
    IdType patientId = createPatient();
    IdType otherPatientId = createPatient();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (int day = 0; day < 12; day++) {
      createObservation(patientId, WEIGHT, 70 + day, now.minus(day, ChronoUnit.DAYS));
      createObservation(patientId, PULSE, 60 + day, now.minus(day, ChronoUnit.DAYS));
    }
    createObservation(otherPatientId, WEIGHT, 99, now);

    Bundle firstPage =
        client
            .search()
            .forResource(Observation.class)
            .where(Observation.PATIENT.hasId(patientId))
            .and(Observation.CODE.exactly().systemAndCode(LOINC, WEIGHT))
            .and(Observation.DATE.afterOrEquals().day(Date.from(now.minus(7, ChronoUnit.DAYS))))
            .and(Observation.DATE.beforeOrEquals().day(Date.from(now.plus(1, ChronoUnit.DAYS))))
            .sort(new SortSpec("date").setOrder(ca.uhn.fhir.rest.api.SortOrderEnum.DESC))
            .count(5)
            .returnBundle(Bundle.class)
            .execute();

    List<Double> values = weights(firstPage);
    assertThat(values).containsExactly(70.0, 71.0, 72.0, 73.0, 74.0);
    assertThat(firstPage.getLink(Bundle.LINK_NEXT)).isNotNull();

    Bundle secondPage = client.loadPage().next(firstPage).execute();
    assertThat(weights(secondPage)).containsExactly(75.0, 76.0, 77.0);
  }

  @Test
  void searchSeesAMeasurementImmediatelyAfterItIsStored() {
    IdType patientId = createPatient();
    Instant now = Instant.now();
    createObservation(patientId, WEIGHT, 80, now.minus(1, ChronoUnit.HOURS));
    assertThat(weights(searchWeights(patientId))).containsExactly(80.0);

    createObservation(patientId, WEIGHT, 81, now);

    assertThat(weights(searchWeights(patientId))).containsExactly(81.0, 80.0);
  }

  @Test
  void transactionResolvesUrnUuidReferences() {
    String patientUrn = "urn:uuid:" + UUID.randomUUID();
    Patient patient = patient(uniqueFnr());
    Observation observation = observation(new IdType(patientUrn), WEIGHT, 64.5, Instant.now());
    observation.setSubject(new Reference(patientUrn));
    observation.getSubject().setIdentifier(patient.getIdentifierFirstRep().copy());
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    transaction
        .addEntry()
        .setFullUrl(patientUrn)
        .setResource(patient)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Patient");
    transaction
        .addEntry()
        .setFullUrl("urn:uuid:" + UUID.randomUUID())
        .setResource(observation)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Observation");

    Bundle response = client.transaction().withBundle(transaction).execute();

    String patientLocation = response.getEntry().get(0).getResponse().getLocation();
    String observationLocation = response.getEntry().get(1).getResponse().getLocation();
    assertThat(patientLocation).startsWith("Patient/");
    Observation stored =
        client
            .read()
            .resource(Observation.class)
            .withId(new IdType(observationLocation).getIdPart())
            .execute();
    assertThat(stored.getSubject().getReference())
        .isEqualTo("Patient/" + new IdType(patientLocation).getIdPart());
  }

  @Test
  void conditionalCreateByIdentifierDoesNotDuplicate() {
    String fnr = uniqueFnr();

    MethodOutcome first =
        client
            .create()
            .resource(patient(fnr))
            .conditional()
            .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(FNR, fnr))
            .execute();
    MethodOutcome second =
        client
            .create()
            .resource(patient(fnr))
            .conditional()
            .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(FNR, fnr))
            .execute();

    assertThat(first.getCreated()).isTrue();
    assertThat(second.getCreated()).isNotEqualTo(Boolean.TRUE);
    assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
    Bundle found =
        client
            .search()
            .forResource(Patient.class)
            .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(FNR, fnr))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(found.getEntry()).hasSize(1);
  }

  @Test
  void conditionalUpdateByIdentifierCreatesThenUpdates() {
    String fnr = uniqueFnr();
    Patient patient = patient(fnr);

    MethodOutcome created =
        client
            .update()
            .resource(patient)
            .conditionalByUrl("Patient?identifier=" + FNR + "|" + fnr)
            .execute();
    patient.getNameFirstRep().setFamily("Hansen");
    MethodOutcome updated =
        client
            .update()
            .resource(patient)
            .conditionalByUrl("Patient?identifier=" + FNR + "|" + fnr)
            .execute();

    assertThat(updated.getId().getIdPart()).isEqualTo(created.getId().getIdPart());
    assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");
  }

  @Test
  void batchStoresTheGoodEntriesAndReportsTheBadOneByItsFullUrl() {
    IdType patientId = createPatient();
    Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
    String goodUrl = "urn:uuid:" + UUID.randomUUID();
    String badUrl = "urn:uuid:" + UUID.randomUUID();
    batch
        .addEntry()
        .setFullUrl(goodUrl)
        .setResource(observation(patientId, WEIGHT, 70, Instant.now()))
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Observation");
    batch
        .addEntry()
        .setFullUrl(badUrl)
        .setResource(observation(new IdType("Patient/does-not-exist"), WEIGHT, 71, Instant.now()))
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Observation");

    Bundle response = client.transaction().withBundle(batch).execute();

    assertThat(response.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
    assertThat(response.getEntry().get(0).getResponse().getStatus()).startsWith("201");
    assertThat(response.getEntry().get(1).getResponse().getStatus()).startsWith("4");
    assertThat(weights(searchWeights(patientId))).containsExactly(70.0);
  }

  @Test
  void unknownElementIsRefusedWith400AndAnOperationOutcome() throws Exception {
    HttpResponse<String> response =
        post("/fhir/Patient", "{\"resourceType\":\"Patient\",\"nmae\":[{\"family\":\"X\"}]}");

    assertThat(response.statusCode()).isEqualTo(400);
    OperationOutcome outcome =
        FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("nmae");
    assertThat(response.body()).doesNotContain("\tat ", "Exception:");
  }

  @Test
  void malformedJsonIsRefusedWith400() throws Exception {
    HttpResponse<String> response = post("/fhir/Observation", "{\"resourceType\":\"Observ");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("OperationOutcome").doesNotContain("\tat ");
  }

  @Test
  void invalidDateValueIsRefusedWith400() throws Exception {
    HttpResponse<String> response =
        post(
            "/fhir/Observation",
            "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
                + "\"effectiveDateTime\":\"2024-13-45\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("OperationOutcome", "2024-13-45");
  }

  @Test
  void referenceToAMissingPatientIsRefusedWith4xx() {
    Observation observation =
        observation(new IdType("Patient/not-there"), WEIGHT, 70, Instant.now());

    assertThatThrownBy(() -> client.create().resource(observation).execute())
        .isInstanceOf(BaseServerResponseException.class)
        .satisfies(
            e -> {
              BaseServerResponseException error = (BaseServerResponseException) e;
              assertThat(error.getStatusCode()).isBetween(400, 499);
              assertThat(error.getOperationOutcome()).isNotNull();
            });
  }

  @Test
  void turtleIsRefusedWithAnOperationOutcomeAndDroppedFromAccept() throws Exception {
    HttpResponse<String> asked = get("/fhir/Patient?_format=ttl");
    assertThat(asked.statusCode()).isEqualTo(406);
    assertThat(asked.body()).contains("OperationOutcome", "Turtle");

    HttpResponse<String> sent =
        http.send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/fhir/Patient"))
                .header("Authorization", "Bearer " + SYSTEM_TOKEN)
                .header("Content-Type", "text/turtle")
                .POST(HttpRequest.BodyPublishers.ofString("@prefix fhir: <http://hl7.org/fhir/> ."))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(sent.statusCode()).isEqualTo(415);
    assertThat(sent.body()).contains("OperationOutcome");

    HttpResponse<String> accepting =
        http.send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/fhir/Patient?_count=1"))
                .header("Authorization", "Bearer " + SYSTEM_TOKEN)
                .header("Accept", "text/turtle, application/fhir+json;q=0.5")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(accepting.statusCode()).isEqualTo(200);
    assertThat(accepting.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/fhir+json"));
  }

  @Test
  void unsupportedResourceTypeIsRefusedWith404() throws Exception {
    HttpResponse<String> response = get("/fhir/Medication");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("OperationOutcome");
  }

  @Test
  void searchByAnUnindexedParameterIsRefusedAndItIsNotAdvertised() throws Exception {
    HttpResponse<String> response = get("/fhir/Observation?value-string=high");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("OperationOutcome", "value-string");
    CapabilityStatement capabilities =
        client.capabilities().ofType(CapabilityStatement.class).execute();
    List<String> observationParameters =
        capabilities.getRestFirstRep().getResource().stream()
            .filter(resource -> resource.getType().equals("Observation"))
            .flatMap(resource -> resource.getSearchParam().stream())
            .map(CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent::getName)
            .toList();
    assertThat(observationParameters)
        .contains("patient", "code", "date", "value-quantity", "component-code-value-quantity")
        .doesNotContain("value-string", "combo-code");
  }

  @Test
  void aRepeatedPatientSearchIsAnsweredFromTheCacheUntilThePatientsObservationsChange()
      throws Exception {
    IdType patientId = createPatient();
    IdType otherPatientId = createPatient();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    org.hl7.fhir.instance.model.api.IIdType first =
        client
            .create()
            .resource(observation(patientId, WEIGHT, 70.0, now.minus(2, ChronoUnit.DAYS)))
            .execute()
            .getId()
            .toUnqualifiedVersionless();
    String search =
        "/fhir/Observation?patient="
            + patientId.toUnqualifiedVersionless().getValue()
            + "&code=http://loinc.org%7C"
            + WEIGHT
            + "&_sort=-date";

    HttpResponse<String> miss = get(search);
    HttpResponse<String> hit = get(search);
    assertThat(cacheHeader(miss)).isEqualTo("miss");
    assertThat(cacheHeader(hit)).isEqualTo("hit");
    assertThat(weightsIn(hit)).containsExactly(70.0);

    createObservation(otherPatientId, WEIGHT, 90.0, now);
    assertThat(cacheHeader(get(search))).as("another patient's write").isEqualTo("hit");

    createObservation(patientId, WEIGHT, 71.0, now.minus(1, ChronoUnit.DAYS));
    HttpResponse<String> afterCreate = get(search);
    assertThat(cacheHeader(afterCreate)).isEqualTo("miss");
    assertThat(weightsIn(afterCreate)).containsExactly(71.0, 70.0);

    Observation changed = client.read().resource(Observation.class).withId(first).execute();
    changed.setValue(
        new Quantity(72.0).setSystem("http://unitsofmeasure.org").setCode("kg").setUnit("kg"));
    client.update().resource(changed).execute();
    assertThat(weightsIn(get(search))).containsExactly(71.0, 72.0);

    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    transaction
        .addEntry()
        .setResource(observation(patientId, WEIGHT, 73.0, now))
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Observation");
    client.transaction().withBundle(transaction).execute();
    assertThat(weightsIn(get(search))).containsExactly(73.0, 71.0, 72.0);

    client.delete().resourceById(first).execute();
    assertThat(weightsIn(get(search))).containsExactly(73.0, 71.0);
  }

  @Test
  void searchesThatReachBeyondOnePatientAreNotCached() throws Exception {
    IdType patientId = createPatient();
    HttpResponse<String> include =
        get(
            "/fhir/Observation?patient="
                + patientId.toUnqualifiedVersionless().getValue()
                + "&_include=Observation:subject");
    HttpResponse<String> byCode = get("/fhir/Observation?code=http://loinc.org%7C" + WEIGHT);

    assertThat(include.statusCode()).isEqualTo(200);
    assertThat(cacheHeader(include)).isNull();
    assertThat(cacheHeader(byCode)).isNull();
  }

  private static String cacheHeader(HttpResponse<String> response) {
    return response.headers().firstValue("X-Search-Cache").orElse(null);
  }

  private static List<Double> weightsIn(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    return weights(FHIR.newJsonParser().parseResource(Bundle.class, response.body()));
  }

  @Test
  void readOfAMissingResourceIs404() {
    assertThatThrownBy(
            () -> client.read().resource(Patient.class).withId("no-such-patient").execute())
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void healthAndRequestMetricsAreExposed() throws Exception {
    createPatient();

    assertThat(get("/actuator/health/readiness").body()).contains("UP");
    assertThat(get("/actuator/health/liveness").body()).contains("UP");
    String metrics = get("/actuator/prometheus").body();
    assertThat(metrics)
        .contains("fhir_requests_seconds_count{interaction=\"create\",resource=\"Patient\"");
  }

  IdType createPatient() {
    return new IdType(
        client
            .create()
            .resource(patient(uniqueFnr()))
            .execute()
            .getId()
            .toUnqualifiedVersionless()
            .getValue());
  }

  void createObservation(IdType patientId, String loinc, double value, Instant when) {
    client.create().resource(observation(patientId, loinc, value, when)).execute();
  }

  Bundle searchWeights(IdType patientId) {
    return client
        .search()
        .forResource(Observation.class)
        .where(Observation.PATIENT.hasId(patientId))
        .and(new TokenClientParam("code").exactly().systemAndCode(LOINC, WEIGHT))
        .sort(new SortSpec("date").setOrder(ca.uhn.fhir.rest.api.SortOrderEnum.DESC))
        .returnBundle(Bundle.class)
        .execute();
  }

  @Test
  void aCachedSearchIsAnsweredInTheEncodingEachClientAccepts() throws Exception {
    IdType patientId = createPatient();
    createObservation(patientId, WEIGHT, 70.0, Instant.now());
    String path = "/fhir/Observation?patient=" + patientId.toUnqualifiedVersionless().getValue();
    HttpRequest gzip =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Authorization", "Bearer " + SYSTEM_TOKEN)
            .header("Accept-Encoding", "gzip")
            .GET()
            .build();
    http.send(gzip, HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> compressed = http.send(gzip, HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<String> plain = get(path);

    assertThat(compressed.headers().firstValue("X-Search-Cache")).contains("hit");
    assertThat(compressed.headers().firstValue("Content-Encoding")).contains("gzip");
    try (var in =
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(compressed.body()))) {
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .startsWith("{");
    }
    assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(plain.body()).startsWith("{");
  }

  /**
   * The conformance kit's black-box suite passes against this server; its report lands in target/
   * for a reader.
   */
  @Test
  void theConformanceKitPassesAgainstThisServer() throws Exception {
    java.nio.file.Path report =
        java.nio.file.Path.of("target", "conformance-report-" + getClass().getSimpleName() + ".md");
    List<no.homemonitoring.conformance.ConformanceSuite.Check> checks =
        no.homemonitoring.conformance.ConformanceKit.run(baseUrl + "/fhir", report, SYSTEM_TOKEN);
    assertThat(checks).hasSizeGreaterThan(50);
    assertThat(checks.stream().filter(c -> !c.passed()).toList())
        .as("failed checks, see %s", report.toAbsolutePath())
        .isEmpty();
  }

  static List<Double> weights(Bundle bundle) {
    return bundle.getEntry().stream()
        .map(e -> ((Observation) e.getResource()).getValueQuantity().getValue().doubleValue())
        .toList();
  }

  /** A synthetic fødselsnummer (month + 80) for Observations' subject.identifier. */
  static final String TEST_SUBJECT_FNR = "15835010187";

  static final java.util.Map<String, String> SNOMED_OF_LOINC =
      java.util.Map.of(
          "85354-9", "75367002",
          "29463-7", "27113001",
          "8867-4", "364075005",
          "2708-6", "431314004",
          "59408-5", "431314004");

  static Patient patient(String fnr) {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem(FNR).setValue(fnr);
    patient.addName().setFamily("Nordmann").addGiven("Kari");
    patient
        .addAddress()
        .setCity("Oslo")
        .addExtension(
            Profiles.MUNICIPALITY, new Coding("urn:oid:2.16.578.1.12.4.1.1.3402", "0301", "Oslo"));
    return patient;
  }

  static Observation observation(IdType patientId, String loinc, double value, Instant when) {
    boolean weight = WEIGHT.equals(loinc);
    Observation observation = vitalSign(patientId, loinc, when);
    observation.setValue(
        new Quantity()
            .setValue(value)
            .setSystem("http://unitsofmeasure.org")
            .setCode(weight ? "kg" : "/min")
            .setUnit(weight ? "kg" : "/min"));
    return observation;
  }

  /**
   * A final vital-sign Observation of the patient with its LOINC and SNOMED CT codes and no value
   * yet, as the profiles ask: an idempotency identifier, a device, and the subject as reference and
   * national id. (The national id is a fixed synthetic one: the profile checks its system, not that
   * it is the referenced patient's.)
   */
  static Observation vitalSign(IdType patientId, String loinc, Instant when) {
    Observation observation = new Observation();
    observation
        .addIdentifier()
        .setSystem("urn:ietf:rfc:3986")
        .setValue("urn:uuid:" + java.util.UUID.randomUUID());
    observation.setDevice(
        new Reference()
            .setIdentifier(
                new Identifier()
                    .setSystem("urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680")
                    .setValue("0123456789ABCDEF"))
            .setDisplay("Test device"));
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.addCategory(
        new CodeableConcept(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/observation-category",
                "vital-signs",
                null)));
    observation.setCode(new CodeableConcept(new Coding(LOINC, loinc, null)));
    String snomed = SNOMED_OF_LOINC.get(loinc);
    if (snomed != null) {
      observation.getCode().addCoding(new Coding("http://snomed.info/sct", snomed, null));
    }
    observation.setSubject(new Reference(patientId.toUnqualifiedVersionless().getValue()));
    observation
        .getSubject()
        .setIdentifier(new Identifier().setSystem(FNR).setValue(TEST_SUBJECT_FNR));
    observation.setEffective(new DateTimeType(Date.from(when)));
    return observation;
  }

  /** A synthetic fødselsnummer (month + 80), random enough not to collide between tests. */
  static String uniqueFnr() {
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    java.time.LocalDate birthDate =
        java.time.LocalDate.of(1920, 1, 1).plusDays(random.nextInt(29_000));
    return SyntheticNationalId.forBirthDate(birthDate, random.nextInt(400));
  }

  HttpResponse<String> post(String path, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Authorization", "Bearer " + SYSTEM_TOKEN)
            .header("Content-Type", "application/fhir+json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Authorization", "Bearer " + SYSTEM_TOKEN)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
