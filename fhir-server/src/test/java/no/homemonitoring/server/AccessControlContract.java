package no.homemonitoring.server;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.junit.jupiter.api.Test;

/**
 * Who may do what, over HTTP with real tokens (minted by {@link TestTokens}, keys served by
 * WireMock): token checks, the roles' rules, a relative's consent, leaks, and the audit trail. Each
 * test builds its own small world (two municipalities, a hospital specialist, a relative with a
 * consent) through a backend integration's token.
 */
interface AccessControlContract {

  FhirContext FHIR = FhirContext.forR4Cached();
  ObjectMapper JSON = new ObjectMapper();
  HttpClient HTTP = HttpClient.newHttpClient();
  String FNR = "urn:oid:2.16.578.1.12.4.1.4.1";
  String HPR = "urn:oid:2.16.578.1.12.4.1.4.4";
  String ORGNR = "urn:oid:2.16.578.1.12.4.1.4.101";
  String LOINC = "http://loinc.org";

  String baseUrl();

  IGenericClient fhirClient();

  /** One test's world: ids of what it created, and tokens for each role in it. */
  record World(
      String ownPatient,
      String otherPatient,
      String specialistPatient,
      String weight,
      String pulse,
      String otherWeight,
      String relative,
      String consent,
      String nurse,
      String otherNurse,
      String specialist,
      String relativeToken,
      String strangerRelativeToken,
      String patientToken) {}

  default World world() {
    IGenericClient system = fhirClient();
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String orgnrA = String.valueOf(910_000_000 + Math.floorMod(tag.hashCode(), 1_000_000));
    String orgnrB = String.valueOf(920_000_000 + Math.floorMod(tag.hashCode(), 1_000_000));
    String idA =
        create(
            system,
            new Organization()
                .addIdentifier(new Identifier().setSystem(ORGNR).setValue(orgnrA))
                .setName("A " + tag));
    String idB =
        create(
            system,
            new Organization()
                .addIdentifier(new Identifier().setSystem(ORGNR).setValue(orgnrB))
                .setName("B " + tag));
    String hprNurse = String.valueOf(7_000_000 + Math.floorMod(tag.hashCode(), 1_000_000));
    String hprSpecialist = String.valueOf(8_000_000 + Math.floorMod(tag.hashCode(), 1_000_000));
    create(
        system,
        new Practitioner().addIdentifier(new Identifier().setSystem(HPR).setValue(hprNurse)));
    String specialistId =
        create(
            system,
            new Practitioner()
                .addIdentifier(new Identifier().setSystem(HPR).setValue(hprSpecialist)));

    String ownFnr = FhirServerContract.uniqueFnr();
    String own =
        create(
            system, FhirServerContract.patient(ownFnr).setManagingOrganization(new Reference(idA)));
    String other =
        create(
            system,
            FhirServerContract.patient(FhirServerContract.uniqueFnr())
                .setManagingOrganization(new Reference(idB)));
    String specialistPatient =
        create(
            system,
            FhirServerContract.patient(FhirServerContract.uniqueFnr())
                .setManagingOrganization(new Reference(idB)));
    CareTeam team =
        new CareTeam()
            .setStatus(CareTeam.CareTeamStatus.ACTIVE)
            .setSubject(new Reference(specialistPatient));
    team.addParticipant().setMember(new Reference(specialistId));
    create(system, team);

    String weight = create(system, observation(own, "29463-7", "Body weight", 71.5, "kg"));
    String pulse = create(system, observation(own, "8867-4", "Heart rate", 64, "/min"));
    String otherWeight = create(system, observation(other, "29463-7", "Body weight", 80, "kg"));

    String relativeFnr = FhirServerContract.uniqueFnr();
    String relative = create(system, relatedPerson(own, relativeFnr));
    String consent =
        create(
            system,
            consent(
                own,
                relative,
                Instant.now().minus(1, ChronoUnit.DAYS),
                Instant.now().plus(30, ChronoUnit.DAYS)));
    String strangerFnr = FhirServerContract.uniqueFnr();
    String stranger = create(system, relatedPerson(other, strangerFnr));

    return new World(
        own,
        other,
        specialistPatient,
        weight,
        pulse,
        otherWeight,
        relative,
        consent,
        clinician("test-home-care-ehr", hprNurse, orgnrA, "user/*.cruds"),
        clinician("test-home-care-ehr", "7999999", orgnrB, "user/*.cruds"),
        clinician(
            "test-hospital-ehr",
            hprSpecialist,
            "999999980",
            "user/*.rs user/Observation.cu user/DocumentReference.cu"),
        citizen(relative, relativeFnr, "patient/*.rs"),
        citizen(stranger, strangerFnr, "patient/*.rs"),
        citizen(own, ownFnr, "patient/*.rs patient/Consent.cu"));
  }

  // ---------------------------------------------------------------- tokens

  @Test
  default void openEndpointsNeedNoToken() throws Exception {
    assertThat(call(null, "GET", "/fhir/metadata", null).statusCode()).isEqualTo(200);
    assertThat(call(null, "GET", "/.well-known/smart-configuration", null).body())
        .contains(TestTokens.ISSUER);
    assertThat(call(null, "GET", "/fhir/.well-known/smart-configuration", null).statusCode())
        .isEqualTo(200);
    assertThat(call(null, "GET", "/actuator/health", null).statusCode()).isEqualTo(200);
  }

  @Test
  default void requestsWithoutAValidTokenAre401WithAnOperationOutcome() throws Exception {
    Map<String, Object> nurse = TestTokens.claims("test-home-care-ehr", "user/*.cruds");
    nurse.put(TestTokens.SECURITY_LEVEL, "4");
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("none", null);
    tokens.put("garbage", "not-a-jwt");
    tokens.put(
        "expired",
        TestTokens.sign(
            TestTokens.KEY,
            "at+jwt",
            TestTokens.ISSUER,
            TestTokens.AUDIENCE,
            Instant.now().minus(2, ChronoUnit.HOURS),
            Duration.ofMinutes(5),
            nurse));
    tokens.put(
        "not yet valid",
        TestTokens.sign(
            TestTokens.KEY,
            "at+jwt",
            TestTokens.ISSUER,
            TestTokens.AUDIENCE,
            Instant.now().plus(1, ChronoUnit.HOURS),
            Duration.ofHours(1),
            nurse));
    tokens.put(
        "wrong audience",
        TestTokens.sign(
            TestTokens.KEY,
            "at+jwt",
            TestTokens.ISSUER,
            "some-other-api",
            Instant.now(),
            Duration.ofHours(1),
            nurse));
    tokens.put(
        "wrong issuer",
        TestTokens.sign(
            TestTokens.KEY,
            "at+jwt",
            "https://evil.example",
            TestTokens.AUDIENCE,
            Instant.now(),
            Duration.ofHours(1),
            nurse));
    tokens.put(
        "wrong signature",
        TestTokens.sign(
            TestTokens.STRANGER,
            "at+jwt",
            TestTokens.ISSUER,
            TestTokens.AUDIENCE,
            Instant.now(),
            Duration.ofHours(1),
            nurse));
    tokens.put(
        "not an access token (typ JWT)",
        TestTokens.sign(
            TestTokens.KEY,
            "JWT",
            TestTokens.ISSUER,
            TestTokens.AUDIENCE,
            Instant.now(),
            Duration.ofHours(1),
            nurse));
    tokens.put("alg none", unsigned(nurse));
    for (Map.Entry<String, String> token : tokens.entrySet()) {
      HttpResponse<String> response = call(token.getValue(), "GET", "/fhir/Patient", null);
      assertThat(response.statusCode()).as(token.getKey()).isEqualTo(401);
      assertThat(response.body()).as(token.getKey()).contains("OperationOutcome");
      assertThat(response.headers().firstValue("WWW-Authenticate"))
          .as(token.getKey())
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }
  }

  @Test
  default void aTokenOfAnUnknownClientOrTooLowALevelIsRefused() throws Exception {
    Map<String, Object> unknown = TestTokens.claims("someone-elses-app", "user/*.cruds");
    assertThat(call(TestTokens.token(unknown), "GET", "/fhir/Patient", null).statusCode())
        .isEqualTo(403);

    Map<String, Object> level3 = TestTokens.claims("test-home-care-ehr", "user/*.cruds");
    level3.put(TestTokens.SECURITY_LEVEL, "3");
    HttpResponse<String> low = call(TestTokens.token(level3), "GET", "/fhir/Patient", null);
    assertThat(low.statusCode()).isEqualTo(403);
    assertThat(low.body()).contains("security level");
  }

  @Test
  default void scopesBoundWhatARoleMayDo() throws Exception {
    World world = world();
    // A nurse of the right municipality whose token only reads.
    Map<String, Object> readOnly = TestTokens.claims("test-home-care-ehr", "user/Observation.rs");
    JsonNode nurseClaims = JSON.readTree(payload(world.nurse()));
    readOnly.put(TestTokens.HPR, nurseClaims.path(TestTokens.HPR).asText());
    readOnly.put(TestTokens.ORGNR_PARENT, nurseClaims.path(TestTokens.ORGNR_PARENT).asText());
    readOnly.put(TestTokens.SECURITY_LEVEL, "4");
    String token = TestTokens.token(readOnly);
    assertThat(call(token, "GET", "/fhir/" + world.weight(), null).statusCode()).isEqualTo(200);
    assertThat(
            call(
                    token,
                    "POST",
                    "/fhir/Observation",
                    json(observation(world.ownPatient(), "8867-4", "Heart rate", 70, "/min")))
                .statusCode())
        .isEqualTo(403);
    assertThat(call(token, "GET", "/fhir/" + world.ownPatient(), null).statusCode()).isEqualTo(403);
  }

  // ---------------------------------------------------------------- the matrix

  @Test
  default void everyRoleGetsExactlyItsRowOfTheMatrix() throws Exception {
    World w = world();
    String admin = TestTokens.token(withLevel(TestTokens.claims("test-admin", "user/*.cruds")));
    String vendor = TestTokens.token(TestTokens.claims("test-vendor", "system/Observation.c"));
    String system = TestTokens.system();
    String newPulse = json(observation(w.ownPatient(), "8867-4", "Heart rate", 72, "/min"));
    String otherPulse = json(observation(w.otherPatient(), "8867-4", "Heart rate", 72, "/min"));
    String specialistPulse =
        json(observation(w.specialistPatient(), "8867-4", "Heart rate", 72, "/min"));
    String valueSet =
        "{\"resourceType\":\"ValueSet\",\"status\":\"draft\",\"url\":\"urn:uuid:"
            + UUID.randomUUID()
            + "\"}";

    List<Row> rows = new ArrayList<>();
    // role, what, method, path, body, allowed
    rows.add(
        new Row(
            "nurse",
            "read own municipality's Patient",
            "GET",
            "/fhir/" + w.ownPatient(),
            null,
            true,
            w.nurse()));
    rows.add(
        new Row(
            "nurse",
            "search own patients' Observations",
            "GET",
            "/fhir/Observation?patient=" + w.ownPatient(),
            null,
            true,
            w.nurse()));
    rows.add(
        new Row(
            "nurse",
            "create Observation for own patient",
            "POST",
            "/fhir/Observation",
            newPulse,
            true,
            w.nurse()));
    rows.add(
        new Row(
            "nurse",
            "read another municipality's Patient",
            "GET",
            "/fhir/" + w.otherPatient(),
            null,
            false,
            w.nurse()));
    rows.add(
        new Row(
            "nurse",
            "read another municipality's Observation",
            "GET",
            "/fhir/" + w.otherWeight(),
            null,
            false,
            w.nurse()));
    rows.add(
        new Row(
            "nurse",
            "create Observation for another municipality's patient",
            "POST",
            "/fhir/Observation",
            otherPulse,
            false,
            w.nurse()));
    rows.add(
        new Row(
            "nurse",
            "read the care provider directory",
            "GET",
            "/fhir/Practitioner?_count=1",
            null,
            true,
            w.nurse()));
    rows.add(
        new Row(
            "nurse",
            "create AuditEvent",
            "POST",
            "/fhir/AuditEvent",
            auditEvent(w.ownPatient()),
            false,
            w.nurse()));
    rows.add(
        new Row(
            "nurse",
            "update an own patient's Observation",
            "PUT",
            "/fhir/" + w.pulse(),
            updated(w.pulse(), w.ownPatient()),
            true,
            w.nurse()));
    rows.add(
        new Row(
            "nurse",
            "move an own patient's Observation to another municipality's patient",
            "PUT",
            "/fhir/" + w.pulse(),
            updated(w.pulse(), w.otherPatient()),
            false,
            w.nurse()));
    rows.add(
        new Row(
            "nurse",
            "take another municipality's Observation over to an own patient",
            "PUT",
            "/fhir/" + w.otherWeight(),
            updated(w.otherWeight(), w.ownPatient()),
            false,
            w.nurse()));
    rows.add(
        new Row(
            "nurse",
            "update another municipality's Patient",
            "PUT",
            "/fhir/" + w.otherPatient(),
            json(
                FhirServerContract.patient(FhirServerContract.uniqueFnr()).setId(w.otherPatient())),
            false,
            w.nurse()));
    CareTeam foreignTeam =
        new CareTeam()
            .setStatus(CareTeam.CareTeamStatus.ACTIVE)
            .setSubject(new Reference(w.otherPatient()));
    foreignTeam.addParticipant().setMember(new Reference(w.ownPatient()));
    rows.add(
        new Row(
            "nurse",
            "create a CareTeam for another municipality's patient with an own patient in it",
            "POST",
            "/fhir/CareTeam",
            json(foreignTeam),
            false,
            w.nurse()));
    Observation crossing = observation(w.otherPatient(), "8867-4", "Heart rate", 70, "/min");
    crossing.addPerformer(new Reference(w.ownPatient()));
    rows.add(
        new Row(
            "nurse",
            "create an Observation of another municipality's patient performed by an own patient",
            "POST",
            "/fhir/Observation",
            json(crossing),
            false,
            w.nurse()));
    rows.add(
        new Row(
            "nurse",
            "delete an own patient's Observation (corrections are new versions)",
            "DELETE",
            "/fhir/" + w.weight(),
            null,
            false,
            w.nurse()));
    rows.add(
        new Row(
            "other nurse",
            "read the first municipality's Patient",
            "GET",
            "/fhir/" + w.ownPatient(),
            null,
            false,
            w.otherNurse()));
    rows.add(
        new Row(
            "specialist",
            "read Patient with a care relation",
            "GET",
            "/fhir/" + w.specialistPatient(),
            null,
            true,
            w.specialist()));
    rows.add(
        new Row(
            "specialist",
            "create Observation with a care relation",
            "POST",
            "/fhir/Observation",
            specialistPulse,
            true,
            w.specialist()));
    rows.add(
        new Row(
            "specialist",
            "create a note (DocumentReference) with a care relation",
            "POST",
            "/fhir/DocumentReference",
            note(w.specialistPatient()),
            true,
            w.specialist()));
    rows.add(
        new Row(
            "specialist",
            "create a note (DocumentReference) without a care relation",
            "POST",
            "/fhir/DocumentReference",
            note(w.ownPatient()),
            false,
            w.specialist()));
    rows.add(
        new Row(
            "specialist",
            "create Observation without a care relation",
            "POST",
            "/fhir/Observation",
            newPulse,
            false,
            w.specialist()));
    rows.add(
        new Row(
            "nurse",
            "state a purpose of use (specialists only)",
            "POST",
            "/fhir/Patient/$state-purpose",
            statement("15835010187", "TREAT", "follow-up after discharge", 1),
            false,
            w.nurse()));
    rows.add(
        new Row(
            "specialist",
            "update Patient with a care relation",
            "PUT",
            "/fhir/" + w.specialistPatient(),
            json(
                FhirServerContract.patient(FhirServerContract.uniqueFnr())
                    .setId(w.specialistPatient())),
            false,
            w.specialist()));
    rows.add(
        new Row(
            "specialist",
            "read Patient without a care relation",
            "GET",
            "/fhir/" + w.ownPatient(),
            null,
            false,
            w.specialist()));
    rows.add(
        new Row(
            "relative",
            "read a consented Observation",
            "GET",
            "/fhir/" + w.pulse(),
            null,
            true,
            w.relativeToken()));
    rows.add(
        new Row(
            "relative",
            "read an Observation the consent denies (weight)",
            "GET",
            "/fhir/" + w.weight(),
            null,
            false,
            w.relativeToken()));
    rows.add(
        new Row(
            "relative",
            "read the Patient (class not granted)",
            "GET",
            "/fhir/" + w.ownPatient(),
            null,
            false,
            w.relativeToken()));
    rows.add(
        new Row(
            "relative",
            "read own RelatedPerson",
            "GET",
            "/fhir/" + w.relative(),
            null,
            true,
            w.relativeToken()));
    rows.add(
        new Row(
            "relative",
            "create Observation",
            "POST",
            "/fhir/Observation",
            newPulse,
            false,
            w.relativeToken()));
    rows.add(
        new Row(
            "relative",
            "read another patient's Observation",
            "GET",
            "/fhir/" + w.otherWeight(),
            null,
            false,
            w.relativeToken()));
    rows.add(
        new Row(
            "relative without consent",
            "read the Observation",
            "GET",
            "/fhir/" + w.pulse(),
            null,
            false,
            w.strangerRelativeToken()));
    rows.add(
        new Row(
            "patient",
            "read own Patient",
            "GET",
            "/fhir/" + w.ownPatient(),
            null,
            true,
            w.patientToken()));
    rows.add(
        new Row(
            "patient",
            "read own weight",
            "GET",
            "/fhir/" + w.weight(),
            null,
            true,
            w.patientToken()));
    rows.add(
        new Row(
            "patient",
            "read own AuditEvents",
            "GET",
            "/fhir/AuditEvent?patient=" + w.ownPatient(),
            null,
            true,
            w.patientToken()));
    rows.add(
        new Row(
            "patient",
            "grant a consent",
            "POST",
            "/fhir/Consent",
            json(
                consent(
                    w.ownPatient(),
                    w.relative(),
                    Instant.now(),
                    Instant.now().plus(1, ChronoUnit.DAYS))),
            true,
            w.patientToken()));
    rows.add(
        new Row(
            "patient",
            "create Observation",
            "POST",
            "/fhir/Observation",
            newPulse,
            false,
            w.patientToken()));
    rows.add(
        new Row(
            "patient",
            "read another Patient",
            "GET",
            "/fhir/" + w.otherPatient(),
            null,
            false,
            w.patientToken()));
    Instant now = Instant.now();
    Consent foreignConsent =
        consent(w.otherPatient(), w.relative(), now, now.plus(1, ChronoUnit.DAYS));
    String foreignConsentId = create(fhirClient(), foreignConsent);
    rows.add(
        new Row(
            "patient",
            "grant a consent on another patient's data",
            "POST",
            "/fhir/Consent",
            json(foreignConsent),
            false,
            w.patientToken()));
    rows.add(
        new Row(
            "patient",
            "withdraw another patient's consent",
            "PUT",
            "/fhir/" + foreignConsentId,
            json(withdrawn(foreignConsent, foreignConsentId)),
            false,
            w.patientToken()));
    Consent spare = consent(w.ownPatient(), w.relative(), now, now.plus(1, ChronoUnit.DAYS));
    String spareId = create(fhirClient(), spare);
    rows.add(
        new Row(
            "patient",
            "withdraw an own consent",
            "PUT",
            "/fhir/" + spareId,
            json(withdrawn(spare, spareId)),
            true,
            w.patientToken()));
    rows.add(new Row("admin", "create ValueSet", "POST", "/fhir/ValueSet", valueSet, true, admin));
    rows.add(
        new Row(
            "admin", "read Organization", "GET", "/fhir/Organization?_count=1", null, true, admin));
    rows.add(
        new Row("admin", "read Patient", "GET", "/fhir/" + w.ownPatient(), null, false, admin));
    rows.add(
        new Row("admin", "search Observations", "GET", "/fhir/Observation", null, false, admin));
    rows.add(
        new Row("vendor", "read Observation", "GET", "/fhir/" + w.pulse(), null, false, vendor));
    rows.add(
        new Row(
            "vendor",
            "create Observation over FHIR",
            "POST",
            "/fhir/Observation",
            newPulse,
            false,
            vendor));
    rows.add(
        new Row("system", "read Patient", "GET", "/fhir/" + w.ownPatient(), null, true, system));
    rows.add(
        new Row(
            "system",
            "update AuditEvent",
            "POST",
            "/fhir/AuditEvent",
            auditEvent(w.ownPatient()),
            false,
            system));

    StringBuilder summary =
        new StringBuilder(
            "# Security matrix (generated by the tests)\n\n| Role | Interaction | Expected | Status |\n|---|---|---|---:|\n");
    List<String> wrong = new ArrayList<>();
    for (Row row : rows) {
      HttpResponse<String> response = call(row.token(), row.method(), row.path(), row.body());
      boolean allowed = response.statusCode() < 300;
      summary
          .append("| ")
          .append(row.role())
          .append(" | ")
          .append(row.what())
          .append(" | ")
          .append(row.allowed() ? "allowed" : "denied")
          .append(" | ")
          .append(response.statusCode())
          .append(" |\n");
      if (allowed != row.allowed()) {
        wrong.add(
            row.role()
                + ": "
                + row.what()
                + " -> "
                + response.statusCode()
                + " "
                + response.body());
      }
      if (!allowed
          && (!response.body().contains("OperationOutcome")
              || (response.statusCode() != 403 && response.statusCode() != 404))) {
        wrong.add(
            row.role()
                + ": "
                + row.what()
                + " refused without a 403/404 OperationOutcome: "
                + response.statusCode()
                + " "
                + response.body());
      }
    }
    java.nio.file.Files.createDirectories(java.nio.file.Path.of("target"));
    java.nio.file.Files.writeString(
        java.nio.file.Path.of("target", "security-matrix-" + getClass().getSimpleName() + ".md"),
        summary);
    assertThat(wrong).isEmpty();
  }

  record Row(
      String role,
      String what,
      String method,
      String path,
      String body,
      boolean allowed,
      String token) {}

  // ---------------------------------------------------------------- consent and leaks

  @Test
  default void aRelativeSeesExactlyWhatTheConsentGrantsAndNothingAfterWithdrawal()
      throws Exception {
    World w = world();
    JsonNode seen =
        JSON.readTree(
            call(w.relativeToken(), "GET", "/fhir/Observation?patient=" + w.ownPatient(), null)
                .body());
    assertThat(ids(seen)).containsExactly(w.pulse());
    assertThat(seen.has("total")).as("no total that counts withheld resources").isFalse();

    // Without naming the patient: narrowed to the consenting patients.
    assertThat(ids(JSON.readTree(call(w.relativeToken(), "GET", "/fhir/Observation", null).body())))
        .containsExactly(w.pulse());

    // Withdrawn by the patient: the very next request sees nothing.
    Consent consent = fhirClient().read().resource(Consent.class).withId(w.consent()).execute();
    consent.setStatus(Consent.ConsentState.INACTIVE);
    assertThat(call(w.patientToken(), "PUT", "/fhir/" + w.consent(), json(consent)).statusCode())
        .isEqualTo(200);
    assertThat(call(w.relativeToken(), "GET", "/fhir/" + w.pulse(), null).statusCode())
        .isIn(403, 404);
    HttpResponse<String> after =
        call(w.relativeToken(), "GET", "/fhir/Observation?patient=" + w.ownPatient(), null);
    assertThat(after.statusCode()).isIn(200, 403);
    if (after.statusCode() == 200) {
      assertThat(ids(JSON.readTree(after.body()))).isEmpty();
    }
  }

  @Test
  default void anExpiredConsentGrantsNothing() throws Exception {
    World w = world();
    Consent consent = fhirClient().read().resource(Consent.class).withId(w.consent()).execute();
    consent
        .getProvision()
        .setPeriod(
            new Period()
                .setStart(Date.from(Instant.now().minus(10, ChronoUnit.DAYS)))
                .setEnd(Date.from(Instant.now().minus(1, ChronoUnit.DAYS))));
    fhirClient().update().resource(consent).execute();
    assertThat(call(w.relativeToken(), "GET", "/fhir/" + w.pulse(), null).statusCode())
        .isEqualTo(404);
  }

  @Test
  default void aConsentStopsGrantingAccessWhenItsPeriodEndsWithoutAnyWrite() throws Exception {
    World w = world();
    String fnr = FhirServerContract.uniqueFnr();
    String relative = create(fhirClient(), relatedPerson(w.ownPatient(), fnr));
    String token = citizen(relative, fnr, "patient/*.rs");
    // Long enough for one write and one read on a slow, busy machine.
    Instant end = Instant.now().plusSeconds(6);
    create(
        fhirClient(),
        consent(w.ownPatient(), relative, Instant.now().minus(1, ChronoUnit.DAYS), end));
    assertThat(call(token, "GET", "/fhir/" + w.pulse(), null).statusCode()).isEqualTo(200);

    Thread.sleep(Math.max(0, Duration.between(Instant.now(), end).toMillis()) + 300);
    assertThat(call(token, "GET", "/fhir/" + w.pulse(), null).statusCode()).isEqualTo(404);
    HttpResponse<String> search =
        call(token, "GET", "/fhir/Observation?patient=" + w.ownPatient(), null);
    assertThat(search.statusCode()).isIn(200, 403);
    if (search.statusCode() == 200) {
      assertThat(ids(JSON.readTree(search.body()))).isEmpty();
    }
  }

  @Test
  default void aRelativeLearnsNothingThroughIncludesHistoryEverythingOrErrors() throws Exception {
    World w = world();
    String t = w.relativeToken();
    // _include of the Patient (a class the consent does not grant) leaves it out.
    JsonNode included =
        JSON.readTree(
            call(
                    t,
                    "GET",
                    "/fhir/Observation?patient=" + w.ownPatient() + "&_include=Observation:patient",
                    null)
                .body());
    assertThat(types(included)).containsOnly("Observation");
    // _revinclude from the Patient side.
    HttpResponse<String> rev =
        call(
            t,
            "GET",
            "/fhir/Patient?_id="
                + w.ownPatient().replace("Patient/", "")
                + "&_revinclude=Observation:patient",
            null);
    if (rev.statusCode() == 200) {
      assertThat(ids(JSON.readTree(rev.body()))).doesNotContain(w.weight(), w.ownPatient());
    }
    // _history of a withheld resource, and of the type.
    assertThat(call(t, "GET", "/fhir/" + w.weight() + "/_history", null).body())
        .doesNotContain("29463-7");
    assertThat(call(t, "GET", "/fhir/Observation/_history", null).body()).doesNotContain("29463-7");
    // $everything is not for relatives.
    assertThat(call(t, "GET", "/fhir/" + w.ownPatient() + "/$everything", null).statusCode())
        .isEqualTo(403);
    // Counting is refused rather than counting what consent withholds.
    assertThat(call(t, "GET", "/fhir/Observation?_summary=count", null).statusCode())
        .isEqualTo(400);
    assertThat(call(t, "GET", "/fhir/Observation?_total=accurate", null).statusCode())
        .isEqualTo(400);
    // _elements / _summary do not bring withheld resources back.
    assertThat(
            call(t, "GET", "/fhir/Observation?_elements=code&patient=" + w.ownPatient(), null)
                .body())
        .doesNotContain("29463-7");
    assertThat(
            call(t, "GET", "/fhir/Observation?_summary=true&patient=" + w.ownPatient(), null)
                .body())
        .doesNotContain("29463-7");
    // Paging: the next page of a consented search stays inside the consent.
    JsonNode firstPage =
        JSON.readTree(
            call(t, "GET", "/fhir/Observation?_count=1&patient=" + w.ownPatient(), null).body());
    for (JsonNode link : firstPage.path("link")) {
      if (link.path("relation").asText().equals("next")) {
        String next = link.path("url").asText().replaceFirst("^https?://[^/]+", "");
        assertThat(call(t, "GET", next, null).body()).doesNotContain("29463-7");
      }
    }
    // A withheld resource and a resource that does not exist look the same.
    HttpResponse<String> withheld = call(t, "GET", "/fhir/" + w.weight(), null);
    HttpResponse<String> missing =
        call(t, "GET", "/fhir/Observation/does-not-exist-" + UUID.randomUUID(), null);
    assertThat(withheld.statusCode()).isEqualTo(missing.statusCode());
    assertThat(diagnosticsShape(withheld.body())).isEqualTo(diagnosticsShape(missing.body()));
    // So do another patient's records and ids that do not exist, for relatives and patients.
    for (String token : List.of(t, w.patientToken())) {
      for (String foreignPath :
          List.of(w.otherPatient(), w.otherWeight(), w.otherWeight() + "/_history")) {
        String missingPath =
            foreignPath.replaceFirst("/[^/]+", "/does-not-exist-" + UUID.randomUUID());
        HttpResponse<String> foreign = call(token, "GET", "/fhir/" + foreignPath, null);
        HttpResponse<String> none = call(token, "GET", "/fhir/" + missingPath, null);
        assertThat(foreign.statusCode()).as(foreignPath).isEqualTo(none.statusCode());
        assertThat(diagnosticsShape(foreign.body()))
            .as(foreignPath)
            .isEqualTo(diagnosticsShape(none.body()));
      }
    }
    // Batch and transaction entries are held to the same rules.
    String batch =
        "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":{\"method\":\"GET\",\"url\":\""
            + w.weight()
            + "\"}},{\"request\":{\"method\":\"GET\",\"url\":\""
            + w.otherWeight()
            + "\"}}]}";
    HttpResponse<String> batched = call(t, "POST", "/fhir", batch);
    assertThat(batched.body()).doesNotContain("29463-7").doesNotContain("71.5");
    String transaction =
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
            + json(observation(w.ownPatient(), "8867-4", "Heart rate", 99, "/min"))
            + ",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
    assertThat(call(t, "POST", "/fhir", transaction).statusCode()).isEqualTo(403);
    // Searching by what the relative may not see is refused, not answered by presence.
    assertThat(
            call(t, "GET", "/fhir/Patient?_has:Observation:patient:code=29463-7", null)
                .statusCode())
        .isEqualTo(400);
    assertThat(call(t, "GET", "/fhir/Observation?patient.name=Nordmann", null).statusCode())
        .isEqualTo(400);
    // Conditional create/update cannot probe or write.
    assertThat(
            call(
                    t,
                    "PUT",
                    "/fhir/Observation?code=29463-7&patient=" + w.ownPatient(),
                    json(observation(w.ownPatient(), "29463-7", "Body weight", 1, "kg")))
                .statusCode())
        .isEqualTo(403);
  }

  @Test
  default void aVendorReadsNothingOverFhir() throws Exception {
    World w = world();
    String vendor = TestTokens.token(TestTokens.claims("test-vendor", "system/*.cruds"));
    for (String path :
        List.of(
            "/fhir/" + w.pulse(),
            "/fhir/Observation",
            "/fhir/Patient",
            "/fhir/" + w.ownPatient() + "/$everything",
            "/fhir/Observation/_history",
            "/fhir/" + w.pulse() + "/_history",
            "/fhir/Observation?_summary=count",
            "/fhir/Observation?_summary=true&patient=" + w.ownPatient(),
            "/fhir/Observation?_elements=code&patient=" + w.ownPatient(),
            "/fhir/Observation?_count=1&patient=" + w.ownPatient(),
            "/fhir/Observation?patient=" + w.ownPatient() + "&_include=Observation:patient",
            "/fhir/Patient?_id="
                + w.ownPatient().replace("Patient/", "")
                + "&_revinclude=Observation:patient",
            "/fhir/Patient?_has:Observation:patient:code=8867-4",
            "/fhir/Observation?patient.name=Nordmann")) {
      HttpResponse<String> response = call(vendor, "GET", path, null);
      assertThat(response.statusCode()).as(path).isIn(403, 404);
      assertNothingOf(w, response, path);
    }
    // Batch, transaction and conditional writes neither read nor write nor probe.
    String batch =
        "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":{\"method\":\"GET\",\"url\":\""
            + w.pulse()
            + "\"}},{\"request\":{\"method\":\"GET\",\"url\":\"Observation?patient="
            + w.ownPatient()
            + "\"}}]}";
    HttpResponse<String> batched = call(vendor, "POST", "/fhir", batch);
    assertNothingOf(w, batched, "batch");
    String pulse = json(observation(w.ownPatient(), "8867-4", "Heart rate", 99, "/min"));
    String transaction =
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
            + pulse
            + ",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
    assertThat(call(vendor, "POST", "/fhir", transaction).statusCode()).isEqualTo(403);
    String conditional = "Observation?code=8867-4&patient=" + w.ownPatient();
    assertThat(call(vendor, "PUT", "/fhir/" + conditional, pulse).statusCode()).isEqualTo(403);
    assertThat(call(vendor, "DELETE", "/fhir/" + conditional, null).statusCode()).isEqualTo(403);
    HttpResponse<String> ifNoneExist =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/Observation"))
                .header("Authorization", "Bearer " + vendor)
                .header("Content-Type", "application/fhir+json")
                .header("If-None-Exist", "code=8867-4&patient=" + w.ownPatient())
                .POST(HttpRequest.BodyPublishers.ofString(pulse))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ifNoneExist.statusCode()).isEqualTo(403);
    assertThat(
            fhirClient()
                .search()
                .forResource(Observation.class)
                .where(Observation.PATIENT.hasId(w.ownPatient()))
                .returnBundle(org.hl7.fhir.r4.model.Bundle.class)
                .execute()
                .getEntry())
        .as("nothing written")
        .hasSize(2);
    // An existing resource and a made-up id are refused alike.
    HttpResponse<String> existing = call(vendor, "GET", "/fhir/" + w.pulse(), null);
    HttpResponse<String> missing =
        call(vendor, "GET", "/fhir/Observation/does-not-exist-" + UUID.randomUUID(), null);
    assertThat(existing.statusCode()).isEqualTo(missing.statusCode());
    assertThat(diagnosticsShape(existing.body())).isEqualTo(diagnosticsShape(missing.body()));
  }

  private static void assertNothingOf(World w, HttpResponse<String> response, String what) {
    assertThat(response.body())
        .as(what)
        .doesNotContain("8867-4")
        .doesNotContain("\"total\"")
        .doesNotContain(w.pulse().replace("Observation/", ""))
        .doesNotContain(w.ownPatient().replace("Patient/", "") + "\",\"");
  }

  @Test
  default void theCareProviderDirectoryDoesNotTellWhoIsAPatient() throws Exception {
    World w = world();
    String admin = TestTokens.token(withLevel(TestTokens.claims("test-admin", "user/*.cruds")));
    Patient other = fhirClient().read().resource(Patient.class).withId(w.otherPatient()).execute();
    String fnr = other.getIdentifierFirstRep().getValue();
    for (String token : List.of(admin, w.nurse(), w.specialist(), w.patientToken())) {
      for (String path :
          List.of(
              "/fhir/Organization?_has:Patient:organization:identifier=" + FNR + "%7C" + fnr,
              "/fhir/Practitioner?_has:CareTeam:participant:patient=" + w.otherPatient())) {
        HttpResponse<String> response = call(token, "GET", path, null);
        assertThat(response.statusCode()).as(path).isIn(400, 403);
        assertThat(response.body())
            .as(path)
            .contains("OperationOutcome")
            .doesNotContain("\"entry\"");
      }
    }
    // Nor inside a batch or a transaction.
    for (String type : List.of("batch", "transaction")) {
      String bundle =
          "{\"resourceType\":\"Bundle\",\"type\":\""
              + type
              + "\",\"entry\":[{\"request\":{\"method\":\"GET\",\"url\":\"Organization?_has:Patient:organization:identifier="
              + FNR
              + "%7C"
              + fnr
              + "\"}}]}";
      for (String token : List.of(w.nurse(), w.specialist())) {
        HttpResponse<String> response = call(token, "POST", "/fhir", bundle);
        assertThat(response.body()).as(type).doesNotContain("\"resourceType\":\"Organization\"");
        if (response.statusCode() == 200) {
          assertThat(
                  JSON.readTree(response.body())
                      .path("entry")
                      .get(0)
                      .path("response")
                      .path("status")
                      .asText())
              .as(type)
              .startsWith("400");
        }
      }
    }
    // The directory itself stays readable.
    assertThat(call(admin, "GET", "/fhir/Organization?_count=1", null).statusCode()).isEqualTo(200);
  }

  @Test
  default void thePatientAndTheirNurseCanAskWhoCanSeeTheData() throws Exception {
    World w = world();
    String path = "/fhir/" + w.ownPatient() + "/$who-can-see";
    for (String token : List.of(w.patientToken(), w.nurse())) {
      HttpResponse<String> answer = call(token, "GET", path, null);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(answer.body())
          .contains(
              "Parameters",
              w.relative(),
              w.consent(),
              "except 29463-7",
              "home-care nurses acting for organisation",
              "test-integration");
    }
    // The specialist's patient: the care team member is named with the team.
    HttpResponse<String> specialist =
        call(TestTokens.system(), "GET", "/fhir/" + w.specialistPatient() + "/$who-can-see", null);
    assertThat(specialist.body()).contains("CareTeam/", "care relation");
    for (String token : List.of(w.relativeToken(), w.otherNurse(), w.specialist())) {
      assertThat(call(token, "GET", path, null).statusCode()).isIn(403, 404);
    }
  }

  // ---------------------------------------------------------------- stated purpose of use

  @Test
  default void aSpecialistReadsForAStatedPurposeThatIsRecordedAndAudited() throws Exception {
    World w = world();
    String patientFnr =
        fhirClient()
            .read()
            .resource(org.hl7.fhir.r4.model.Patient.class)
            .withId(w.ownPatient())
            .execute()
            .getIdentifierFirstRep()
            .getValue();
    String hpr = JSON.readTree(payload(w.specialist())).path(TestTokens.HPR).asText();
    String path = "/fhir/Patient/$state-purpose";
    assertThat(call(w.specialist(), "GET", "/fhir/" + w.ownPatient(), null).statusCode())
        .as("no care relation, no purpose yet")
        .isIn(403, 404);

    // Bad statements are refused with the reason, and grant nothing.
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put(
        "purpose not in the list",
        statement(patientFnr, "HRESCH", "research on blood pressure", 1));
    bad.put("no reason", statement(patientFnr, "ETREAT", " ", 1));
    bad.put("too long", statement(patientFnr, "ETREAT", "acute admission, chest pain", 25));
    bad.put("not a national id", statement("12345", "ETREAT", "acute admission, chest pain", 1));
    for (Map.Entry<String, String> entry : bad.entrySet()) {
      HttpResponse<String> refused = call(w.specialist(), "POST", path, entry.getValue());
      assertThat(refused.statusCode()).as(entry.getKey()).isEqualTo(400);
      assertThat(refused.body()).as(entry.getKey()).contains("OperationOutcome");
    }
    HttpResponse<String> unknown =
        call(
            w.specialist(),
            "POST",
            path,
            statement(FhirServerContract.uniqueFnr(), "ETREAT", "acute admission, chest pain", 1));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("OperationOutcome");
    // Only a specialist states a purpose: nurses, relatives, patients, vendors, administrators not.
    String good = statement(patientFnr, "ETREAT", "acute admission, chest pain", 2);
    for (String token :
        List.of(
            w.otherNurse(),
            w.relativeToken(),
            w.patientToken(),
            TestTokens.token(TestTokens.claims("test-vendor", "system/Observation.c")))) {
      assertThat(call(token, "POST", path, good).statusCode()).isIn(401, 403);
    }
    // No one writes a statement through the API: not even a backend integration, not in a
    // transaction.
    String forged =
        "{\"resourceType\":\"AuditEvent\",\"type\":{\"code\":\"rest\"},"
            + "\"subtype\":[{\"system\":\"https://homemonitoring.no/fhir/CodeSystem/audit-event-subtype\","
            + "\"code\":\"stated-purpose-of-use\"}],\"recorded\":\""
            + Instant.now()
            + "\",\"outcome\":\"0\",\"purposeOfEvent\":[{\"coding\":[{\"system\":"
            + "\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"ETREAT\"}]}],"
            + "\"agent\":[{\"requestor\":true,\"altId\":\""
            + hpr
            + "\"}],\"source\":{\"observer\":{\"display\":\"x\"}},\"entity\":[{\"what\":"
            + "{\"reference\":\""
            + w.ownPatient()
            + "\"},\"detail\":[{\"type\":\"valid-until\",\"valueString\":\""
            + Instant.now().plus(1, ChronoUnit.HOURS)
            + "\"}]}]}";
    String forgedTransaction =
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
            + forged
            + ",\"request\":{\"method\":\"POST\",\"url\":\"AuditEvent\"}}]}";
    for (String token : List.of(TestTokens.system(), w.nurse(), w.specialist())) {
      assertThat(call(token, "POST", "/fhir/AuditEvent", forged).statusCode()).isEqualTo(403);
      assertThat(call(token, "POST", "/fhir", forgedTransaction).statusCode()).isEqualTo(403);
    }
    assertThat(call(w.specialist(), "GET", "/fhir/" + w.ownPatient(), null).statusCode())
        .isIn(403, 404);

    HttpResponse<String> stated = call(w.specialist(), "POST", path, good);
    assertThat(stated.statusCode()).as(stated.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(stated.body());
    String record = null;
    String until = null;
    for (JsonNode parameter : answer.path("parameter")) {
      switch (parameter.path("name").asText()) {
        case "patient" ->
            assertThat(parameter.path("valueReference").path("reference").asText())
                .isEqualTo(w.ownPatient());
        case "record" -> record = parameter.path("valueReference").path("reference").asText();
        case "validUntil" -> until = parameter.path("valueInstant").asText();
        default -> {}
      }
    }
    assertThat(record).startsWith("AuditEvent/");
    assertThat(Instant.parse(until))
        .isBetween(
            Instant.now().plus(110, ChronoUnit.MINUTES), Instant.now().plus(2, ChronoUnit.HOURS));

    // From the next request on, the specialist reads the patient and writes observations.
    assertThat(call(w.specialist(), "GET", "/fhir/" + w.ownPatient(), null).statusCode())
        .isEqualTo(200);
    JsonNode observations =
        JSON.readTree(
            call(w.specialist(), "GET", "/fhir/Observation?patient=" + w.ownPatient(), null)
                .body());
    assertThat(ids(observations)).contains(w.weight(), w.pulse());
    assertThat(
            call(
                    w.specialist(),
                    "POST",
                    "/fhir/Observation",
                    json(observation(w.ownPatient(), "8867-4", "Heart rate", 88, "/min")))
                .statusCode())
        .isEqualTo(201);
    assertThat(call(w.specialist(), "GET", "/fhir/" + w.otherPatient(), null).statusCode())
        .as("only the patient the purpose was stated for")
        .isIn(403, 404);
    JsonNode claims = JSON.readTree(payload(w.specialist()));
    String elsewhere =
        clinician("test-hospital-ehr", hpr, "999999972", claims.path("scope").asText());
    assertThat(call(elsewhere, "GET", "/fhir/" + w.ownPatient(), null).statusCode())
        .as("the same specialist acting for another legal entity")
        .isIn(403, 404);

    // The statement is an AuditEvent no one can change, and the patient sees it.
    JsonNode recorded =
        JSON.readTree(call(w.patientToken(), "GET", "/fhir/" + record, null).body());
    assertThat(recorded.toString())
        .contains(
            "stated-purpose-of-use", "ETREAT", "acute admission, chest pain", hpr, "valid-until");
    for (String token : List.of(TestTokens.system(), w.specialist(), w.patientToken())) {
      assertThat(call(token, "PUT", "/fhir/" + record, recorded.toString()).statusCode())
          .isEqualTo(403);
      assertThat(call(token, "DELETE", "/fhir/" + record, null).statusCode()).isEqualTo(403);
    }

    // Every access on the strength of it is audited with the stated purpose.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode trail =
                  JSON.readTree(
                      call(
                              w.patientToken(),
                              "GET",
                              "/fhir/AuditEvent?patient=" + w.ownPatient() + "&_count=200",
                              null)
                          .body());
              boolean refusedStatement = false;
              for (JsonNode entry : trail.path("entry")) {
                JsonNode event = entry.path("resource");
                refusedStatement |=
                    event.path("outcome").asText().equals("4")
                        && event.toString().contains("POST Patient/$state-purpose")
                        && event.toString().contains(hpr);
              }
              assertThat(refusedStatement)
                  .as("the refused statements are recorded for the patient too")
                  .isTrue();
              boolean readWithPurpose = false;
              for (JsonNode entry : trail.path("entry")) {
                String event = entry.path("resource").toString();
                if (event.contains(hpr)
                    && event.contains("\"action\":\"R\"")
                    && !event.contains("stated-purpose-of-use")) {
                  readWithPurpose |= event.contains("ETREAT");
                }
              }
              assertThat(readWithPurpose).as(trail.toString()).isTrue();
            });

    // The patient and their nurse see the specialist, the purpose and until when.
    HttpResponse<String> who =
        call(w.patientToken(), "GET", "/fhir/" + w.ownPatient() + "/$who-can-see", null);
    assertThat(who.body()).contains("stated purpose of use ETREAT", hpr, record);
  }

  // ---------------------------------------------------------------- audit

  @Test
  default void everyLookAtPatientDataLeavesAnAuditEventThatCannotBeChanged() throws Exception {
    World w = world();
    assertThat(
            call(w.nurse(), "GET", "/fhir/Observation?patient=" + w.ownPatient(), null)
                .statusCode())
        .isEqualTo(200);
    assertThat(call(w.relativeToken(), "GET", "/fhir/" + w.pulse(), null).statusCode())
        .isEqualTo(200);
    assertThat(call(w.otherNurse(), "GET", "/fhir/" + w.ownPatient(), null).statusCode())
        .isIn(403, 404);
    // Consent withholds the weight: the relative's refused look is in the patient's trail too.
    assertThat(call(w.relativeToken(), "GET", "/fhir/" + w.weight(), null).statusCode())
        .isEqualTo(404);

    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode trail =
                  JSON.readTree(
                      call(
                              w.patientToken(),
                              "GET",
                              "/fhir/AuditEvent?patient=" + w.ownPatient() + "&_count=100",
                              null)
                          .body());
              String text = trail.toString();
              JsonNode nurseClaims = JSON.readTree(payload(w.nurse()));
              assertThat(text).contains(nurseClaims.path(TestTokens.HPR).asText());
              assertThat(text).contains(nurseClaims.path(TestTokens.ORGNR_PARENT).asText());
              assertThat(text).contains("TREAT", "FAMRQT", w.consent());
              assertThat(text).as("the refused look is recorded too").contains("\"outcome\":\"4\"");
              List<String> refusedRelatives = new ArrayList<>();
              for (JsonNode entry : trail.path("entry")) {
                JsonNode event = entry.path("resource");
                if (event.path("outcome").asText().equals("4")
                    && event.toString().contains(w.relative())
                    && event.path("purposeOfEvent").toString().contains("FAMRQT")) {
                  refusedRelatives.add(event.toString());
                }
              }
              assertThat(refusedRelatives)
                  .as("the relative's look at the withheld weight")
                  .anySatisfy(event -> assertThat(event).contains("consent withheld 1"));
            });

    JsonNode one =
        JSON.readTree(
            call(
                    w.patientToken(),
                    "GET",
                    "/fhir/AuditEvent?patient=" + w.ownPatient() + "&_count=1",
                    null)
                .body());
    String id = one.path("entry").get(0).path("resource").path("id").asText();
    String body = one.path("entry").get(0).path("resource").toString();
    for (String token : List.of(TestTokens.system(), w.nurse(), w.patientToken())) {
      assertThat(call(token, "PUT", "/fhir/AuditEvent/" + id, body).statusCode()).isEqualTo(403);
      assertThat(call(token, "DELETE", "/fhir/AuditEvent/" + id, null).statusCode()).isEqualTo(403);
    }
  }

  // ---------------------------------------------------------------- helpers

  private static Map<String, Object> withLevel(Map<String, Object> claims) {
    claims.put(TestTokens.SECURITY_LEVEL, "4");
    claims.put(TestTokens.PID, FhirServerContract.uniqueFnr());
    return claims;
  }

  private static String clinician(String client, String hpr, String orgnr, String scope) {
    Map<String, Object> claims = withLevel(TestTokens.claims(client, scope));
    claims.put(TestTokens.HPR, hpr);
    claims.put(TestTokens.ORGNR_PARENT, orgnr);
    return TestTokens.token(claims);
  }

  private static String citizen(String fhirUser, String fnr, String scope) {
    Map<String, Object> claims = TestTokens.claims("test-citizen-app", scope);
    claims.put("fhirUser", fhirUser);
    claims.put(TestTokens.PID, fnr);
    claims.put(TestTokens.SECURITY_LEVEL, "4");
    return TestTokens.token(claims);
  }

  private static String unsigned(Map<String, Object> claims) {
    com.nimbusds.jwt.JWTClaimsSet.Builder builder =
        new com.nimbusds.jwt.JWTClaimsSet.Builder()
            .issuer(TestTokens.ISSUER)
            .audience(TestTokens.AUDIENCE)
            .expirationTime(Date.from(Instant.now().plus(1, ChronoUnit.HOURS)));
    claims.forEach(builder::claim);
    return new com.nimbusds.jwt.PlainJWT(builder.build()).serialize();
  }

  /** The consent with this id, withdrawn (an update's body). */
  private static Consent withdrawn(Consent consent, String id) {
    Consent copy = consent.copy();
    copy.setId(id);
    copy.setStatus(Consent.ConsentState.INACTIVE);
    return copy;
  }

  /** A heart rate with the given id, for the given patient (an update's body). */
  private static String updated(String id, String patient) {
    Observation observation = observation(patient, "8867-4", "Heart rate", 66, "/min");
    observation.setId(id);
    return json(observation);
  }

  private static String note(String patient) {
    return "{\"resourceType\":\"DocumentReference\",\"status\":\"current\",\"subject\":{\"reference\":\""
        + patient
        + "\"},\"description\":\"Cardiology note\",\"content\":[{\"attachment\":{\"contentType\":\"text/plain\",\"data\":\"QmxvZGRyeWtrIHN0YWJpbHQu\"}}]}";
  }

  /** The body of a {@code $state-purpose} call. */
  static String statement(String fnr, String purpose, String reason, int hours) {
    org.hl7.fhir.r4.model.Parameters parameters = new org.hl7.fhir.r4.model.Parameters();
    parameters
        .addParameter()
        .setName("patient")
        .setValue(new Identifier().setSystem(FNR).setValue(fnr));
    parameters
        .addParameter()
        .setName("purpose")
        .setValue(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", purpose, null));
    parameters
        .addParameter()
        .setName("reason")
        .setValue(new org.hl7.fhir.r4.model.StringType(reason));
    parameters
        .addParameter()
        .setName("hours")
        .setValue(new org.hl7.fhir.r4.model.IntegerType(hours));
    return json(parameters);
  }

  private static String payload(String token) {
    return new String(
        java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String diagnosticsShape(String body) throws Exception {
    return JSON.readTree(body)
        .path("issue")
        .get(0)
        .path("diagnostics")
        .asText()
        .replaceAll("([A-Z][A-Za-z]+)/[A-Za-z0-9\\-.]+", "$1/ID");
  }

  private static List<String> ids(JsonNode bundle) {
    List<String> ids = new ArrayList<>();
    for (JsonNode entry : bundle.path("entry")) {
      JsonNode resource = entry.path("resource");
      ids.add(resource.path("resourceType").asText() + "/" + resource.path("id").asText());
    }
    return ids;
  }

  private static List<String> types(JsonNode bundle) {
    List<String> types = new ArrayList<>();
    for (JsonNode entry : bundle.path("entry")) {
      types.add(entry.path("resource").path("resourceType").asText());
    }
    return types;
  }

  /** A relative as the profile wants one: kinship (Volven 9033) and a name. */
  private static RelatedPerson relatedPerson(String patient, String fnr) {
    RelatedPerson relative = new RelatedPerson().setPatient(new Reference(patient));
    relative.addIdentifier(new Identifier().setSystem(FNR).setValue(fnr));
    relative.addRelationship(
        new CodeableConcept(new Coding("urn:oid:2.16.578.1.12.4.1.1.9033", "DA", "Datter")));
    relative.addName().setFamily("Pårørende").addGiven("Test");
    return relative;
  }

  private static String json(org.hl7.fhir.r4.model.Resource resource) {
    return FHIR.newJsonParser().encodeResourceToString(resource);
  }

  private static String create(IGenericClient client, org.hl7.fhir.r4.model.Resource resource) {
    return client
        .create()
        .resource(resource)
        .execute()
        .getId()
        .toUnqualifiedVersionless()
        .getValue();
  }

  private static String auditEvent(String patient) {
    return "{\"resourceType\":\"AuditEvent\",\"type\":{\"code\":\"rest\"},\"recorded\":\"2026-01-01T00:00:00Z\",\"agent\":[{\"requestor\":true}],\"source\":{\"observer\":{\"display\":\"x\"}},\"entity\":[{\"what\":{\"reference\":\""
        + patient
        + "\"}}]}";
  }

  static Observation observation(
      String patient, String code, String display, double value, String unit) {
    // The profiles' shape (identifier, device, codes, unit); display and unit follow the code.
    return FhirServerContract.observation(
        new org.hl7.fhir.r4.model.IdType(patient),
        code,
        value,
        Instant.now().minus(1, ChronoUnit.HOURS));
  }

  static Consent consent(String patient, String relative, Instant from, Instant to) {
    Consent consent = new Consent();
    consent.setStatus(Consent.ConsentState.ACTIVE);
    consent.setScope(
        new CodeableConcept(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", null)));
    consent.addCategory(new CodeableConcept(new Coding(LOINC, "59284-0", null)));
    consent.setPatient(new Reference(patient));
    consent.setDateTime(new Date());
    consent.addPerformer(new Reference(patient));
    consent.setPolicyRule(
        new CodeableConcept(
            new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", null)));
    Consent.ProvisionComponent provision = consent.getProvision();
    provision.setType(Consent.ConsentProvisionType.PERMIT);
    provision.setPeriod(new Period().setStart(Date.from(from)).setEnd(Date.from(to)));
    provision
        .addActor()
        .setRole(new CodeableConcept(new Coding("urn:oid:2.16.578.1.12.4.1.1.7611", "FU", null)))
        .setReference(new Reference(relative));
    provision.addAction(
        new CodeableConcept(
            new Coding("http://terminology.hl7.org/CodeSystem/consentaction", "access", null)));
    provision.addClass_(new Coding("http://hl7.org/fhir/resource-types", "Observation", null));
    provision
        .addProvision()
        .setType(Consent.ConsentProvisionType.DENY)
        .addCode(new CodeableConcept(new Coding(LOINC, "29463-7", null)));
    return consent;
  }

  /** A request with the token (none if null) and, if given, a FHIR JSON body. */
  default HttpResponse<String> call(String token, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      request.header("Content-Type", "application/fhir+json");
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
