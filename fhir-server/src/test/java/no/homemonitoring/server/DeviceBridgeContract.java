package no.homemonitoring.server;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import no.homemonitoring.profiles.Profiles;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * The vendors' ingest API, black-box over HTTP: signed pushes in, conformant Observations out,
 * nothing lost and nothing doubled. Each test makes its own patient and data point ids, so the
 * tests share one database without seeing each other's measurements.
 */
interface DeviceBridgeContract {

  ObjectMapper JSON = new ObjectMapper();
  String LOINC_SYSTEM = "http://loinc.org";
  String BP_PANEL = "85354-9";
  String PHD_SYSTEM_ID = "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680";
  Duration SETTLE = Duration.ofSeconds(30);

  IGenericClient fhirClient();

  String baseUrl();

  /** A patient with a fresh national id, enrolled with {@code vendor} as {@code vendorUser}. */
  default IdType newEnrolledPatient(String vendor, String vendorUser) {
    return newEnrolledPatient(vendor, vendorUser, FhirServerContract.uniqueFnr());
  }

  /** A patient with this national id, enrolled with {@code vendor} as {@code vendorUser}. */
  IdType newEnrolledPatient(String vendor, String vendorUser, String fnr);

  // --- Open mHealth ---------------------------------------------------------------------------

  @Test
  default void aSignedOpenMHealthPushIsAcknowledgedThenStoredAsAConformantObservation()
      throws Exception {
    String user = "u-" + UUID.randomUUID();
    IdType patient = newEnrolledPatient(TestVendors.HMAC_VENDOR, user);
    byte[] body = omh("openmhealth-blood-pressure.json", user, UUID.randomUUID().toString());

    HttpResponse<String> ack = vendor().post("/ingest/openmhealth", body);

    assertThat(ack.statusCode()).as(ack.body()).isEqualTo(202);
    JsonNode answer = JSON.readTree(ack.body());
    assertThat(answer.path("measurements").asInt()).isEqualTo(1);
    JsonNode status = awaitSettled(answer.path("submissionId").asText());
    assertThat(status.path("status").asText()).isEqualTo("done");
    JsonNode measurement = status.path("measurements").get(0);
    assertThat(measurement.path("outcome").asText()).isEqualTo("created");

    Observation observation = readObservation(measurement);
    assertThat(observation.getMeta().hasProfile(Profiles.BLOOD_PRESSURE)).isTrue();
    assertThat(observation.getSubject().getReferenceElement().getIdPart())
        .isEqualTo(patient.getIdPart());
    assertThat(observation.getCode().getCoding())
        .anyMatch(c -> LOINC_SYSTEM.equals(c.getSystem()) && BP_PANEL.equals(c.getCode()));
    assertThat(observation.getEffectiveDateTimeType().getValue().toInstant())
        .isEqualTo(Instant.parse("2025-01-06T07:05:12Z"));
    assertThat(observation.getEffectiveDateTimeType().getTimeZone().getRawOffset())
        .as("the offset as reported")
        .isEqualTo(3_600_000);
    assertThat(component(observation, "8480-6")).isEqualTo(138);
    assertThat(component(observation, "8462-4")).isEqualTo(84);
    assertThat(observation.getIdentifierFirstRep().getValue()).isNotBlank();
  }

  @Test
  default void eachObservationHasProvenanceNamingVendorDeviceAndPayloadHash() throws Exception {
    String user = "u-" + UUID.randomUUID();
    newEnrolledPatient(TestVendors.HMAC_VENDOR, user);
    byte[] body = omh("openmhealth-body-weight.json", user, UUID.randomUUID().toString());

    JsonNode status = pushAndSettle(vendor(), "/ingest/openmhealth", body);
    JsonNode measurement = status.path("measurements").get(0);
    Observation observation = readObservation(measurement);

    Bundle provenances =
        fhirClient()
            .search()
            .forResource(Provenance.class)
            .where(Provenance.TARGET.hasId(observation.getIdElement().toUnqualifiedVersionless()))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(provenances.getEntry()).hasSize(1);
    Provenance provenance = (Provenance) provenances.getEntryFirstRep().getResource();
    String hash = status.path("payloadSha256").asText();
    assertThat(provenance.getEntity())
        .anyMatch(
            e ->
                e.getWhat().getIdentifier().getValue().equals(hash)
                    && e.getWhat().getIdentifier().getSystem().endsWith("/sid/payload-sha256"));
    assertThat(provenance.getAgent())
        .extracting(a -> a.getWho().getReference() + "|" + a.getWho().getDisplay())
        .contains(observation.getDevice().getReference() + "|null")
        .anyMatch(who -> who.contains("Acme Home Care"))
        .anyMatch(who -> who.contains("device-bridge"));
    assertThat(provenance.getAgent())
        .anyMatch(
            a ->
                a.getWho().getIdentifier().getSystem() != null
                    && a.getWho().getIdentifier().getSystem().endsWith("/sid/vendor"));
    Device device =
        fhirClient()
            .read()
            .resource(Device.class)
            .withId(observation.getDevice().getReferenceElement())
            .execute();
    assertThat(device.getDeviceNameFirstRep().getName()).isEqualTo("Withings Public API");
  }

  @Test
  default void theVendorsWriteIsInThePatientsAuditTrail() throws Exception {
    String user = "u-" + UUID.randomUUID();
    IdType patient = newEnrolledPatient(TestVendors.HMAC_VENDOR, user);
    byte[] body = omh("openmhealth-body-weight.json", user, UUID.randomUUID().toString());

    JsonNode status = pushAndSettle(vendor(), "/ingest/openmhealth", body);
    String submission = status.path("submissionId").asText();

    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Bundle trail =
                  fhirClient()
                      .search()
                      .forResource(org.hl7.fhir.r4.model.AuditEvent.class)
                      .where(
                          org.hl7.fhir.r4.model.AuditEvent.PATIENT.hasId(
                              patient.toUnqualifiedVersionless()))
                      .returnBundle(Bundle.class)
                      .execute();
              assertThat(trail.getEntry())
                  .map(e -> (org.hl7.fhir.r4.model.AuditEvent) e.getResource())
                  .anySatisfy(
                      event -> {
                        assertThat(event.getAction())
                            .isEqualTo(org.hl7.fhir.r4.model.AuditEvent.AuditEventAction.C);
                        assertThat(
                                event
                                    .getAgentFirstRep()
                                    .getRoleFirstRep()
                                    .getCodingFirstRep()
                                    .getCode())
                            .isEqualTo("vendor");
                        assertThat(event.getAgentFirstRep().getWho().getIdentifier().getValue())
                            .isEqualTo(TestVendors.HMAC_VENDOR);
                        assertThat(event.getAgentFirstRep().getWho().getIdentifier().getSystem())
                            .endsWith("/sid/vendor");
                        assertThat(event.getEntity())
                            .anyMatch(
                                entity ->
                                    entity.hasDescription()
                                        && entity
                                            .getDescription()
                                            .equals(
                                                "POST ingest/openmhealth (submission "
                                                    + submission
                                                    + ")"));
                      });
            });
  }

  @Test
  default void aRetransmissionStoresNothingNewAndPointsAtTheSameObservation() throws Exception {
    String user = "u-" + UUID.randomUUID();
    newEnrolledPatient(TestVendors.HMAC_VENDOR, user);
    byte[] body = omh("openmhealth-oxygen-saturation.json", user, UUID.randomUUID().toString());

    JsonNode first = pushAndSettle(vendor(), "/ingest/openmhealth", body);
    JsonNode second = pushAndSettle(vendor(), "/ingest/openmhealth", body);

    JsonNode created = first.path("measurements").get(0);
    JsonNode again = second.path("measurements").get(0);
    assertThat(created.path("outcome").asText()).isEqualTo("created");
    assertThat(again.path("outcome").asText()).isEqualTo("duplicate");
    assertThat(again.path("observation").asText()).isEqualTo(created.path("observation").asText());
    assertThat(readObservation(again).getMeta().getVersionId()).isEqualTo("1");
  }

  @Test
  default void concurrentIdenticalPushesMakeOneObservation() throws Exception {
    String user = "u-" + UUID.randomUUID();
    IdType patient = newEnrolledPatient(TestVendors.HMAC_VENDOR, user);
    byte[] body = omh("openmhealth-blood-pressure.json", user, UUID.randomUUID().toString());
    int pushes = 10;
    ExecutorService pool = Executors.newFixedThreadPool(pushes);
    try {
      List<Future<HttpResponse<String>>> sent = new ArrayList<>();
      // One clock reading for all: read per push, two pushes a second boundary apart got the same
      // second, hence the same signature, and the second was refused as a replay.
      Instant start = Instant.now();
      for (int i = 0; i < pushes; i++) {
        // Each retransmission is signed anew: a signature is good for one request only.
        Instant signedAt = start.minusSeconds(i);
        Callable<HttpResponse<String>> push =
            () -> vendor().post("/ingest/openmhealth", body, signedAt);
        sent.add(pool.submit(push));
      }
      List<String> observations = new ArrayList<>();
      for (Future<HttpResponse<String>> response : sent) {
        HttpResponse<String> ack = response.get();
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(202);
        JsonNode status = awaitSettled(JSON.readTree(ack.body()).path("submissionId").asText());
        assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("done");
        observations.add(status.path("measurements").get(0).path("observation").asText());
      }
      assertThat(observations).containsOnly(observations.get(0));
    } finally {
      pool.shutdownNow();
    }
    assertThat(observationsOf(patient)).hasSize(1);
  }

  @Test
  default void anArrayWithOneImplausibleDataPointStoresTheOthers() throws Exception {
    String user = "u-" + UUID.randomUUID();
    IdType patient = newEnrolledPatient(TestVendors.HMAC_VENDOR, user);
    ArrayNode points = JSON.createArrayNode();
    points.add(JSON.readTree(omh("openmhealth-blood-pressure.json", user, uuid())));
    ObjectNode implausible =
        (ObjectNode) JSON.readTree(omh("openmhealth-body-weight.json", user, uuid()));
    ((ObjectNode) implausible.path("body").path("body_weight")).put("value", 4000);
    points.add(implausible);
    points.add(JSON.readTree(omh("openmhealth-oxygen-saturation.json", user, uuid())));

    JsonNode status =
        pushAndSettle(vendor(), "/ingest/openmhealth", JSON.writeValueAsBytes(points));

    List<String> outcomes = new ArrayList<>();
    status.path("measurements").forEach(m -> outcomes.add(m.path("outcome").asText()));
    assertThat(outcomes).containsExactly("created", "rejected", "created");
    assertThat(status.path("measurements").get(1).path("reason").asText()).isNotBlank();
    assertThat(observationsOf(patient)).hasSize(2);
  }

  @Test
  default void aSingleDataPointWithoutAnOffsetIsRefusedWith422AndNotStored() throws Exception {
    String user = "u-" + UUID.randomUUID();
    IdType patient = newEnrolledPatient(TestVendors.HMAC_VENDOR, user);
    byte[] body = omh("openmhealth-blood-pressure-no-offset.json", user, uuid());

    HttpResponse<String> answer = vendor().post("/ingest/openmhealth", body);

    assertThat(answer.statusCode()).isEqualTo(422);
    assertThat(answer.body()).contains("OperationOutcome");
    assertThat(observationsOf(patient)).isEmpty();
  }

  @Test
  default void anUnreadablePayloadIsRefusedWith400() throws Exception {
    HttpResponse<String> answer =
        vendor().post("/ingest/openmhealth", "{not json".getBytes(StandardCharsets.UTF_8));

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).contains("OperationOutcome");
  }

  @Test
  default void anUnknownFormatIs404() throws Exception {
    HttpResponse<String> answer = vendor().post("/ingest/nosuchformat", "{}".getBytes());

    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(answer.body()).contains("OperationOutcome");
  }

  // --- Authentication ---------------------------------------------------------------------------

  @Test
  default void anEd25519SignedPushIsAccepted() throws Exception {
    String user = "u-" + UUID.randomUUID();
    IdType patient = newEnrolledPatient(TestVendors.ED25519_VENDOR, user);
    byte[] body = omh("openmhealth-body-weight.json", user, uuid());

    JsonNode status =
        pushAndSettle(TestVendors.Client.ed25519(baseUrl()), "/ingest/openmhealth", body);

    assertThat(status.path("measurements").get(0).path("outcome").asText()).isEqualTo("created");
    assertThat(observationsOf(patient)).hasSize(1);
  }

  @Test
  default void aWrongMissingReplayedOrStaleSignatureIs401AndStoresNothing() throws Exception {
    String user = "u-" + UUID.randomUUID();
    IdType patient = newEnrolledPatient(TestVendors.HMAC_VENDOR, user);
    byte[] body = omh("openmhealth-blood-pressure.json", user, uuid());
    TestVendors.Client vendor = vendor();
    String path = "/ingest/openmhealth";

    HttpRequest.Builder tampered = vendor.signed("POST", path, body, Instant.now());
    byte[] changed = new String(body, StandardCharsets.UTF_8).replace("138", "183").getBytes();
    HttpResponse<String> wrong =
        vendor.send(tampered.POST(HttpRequest.BodyPublishers.ofByteArray(changed)).build());

    HttpResponse<String> missing =
        vendor.send(
            HttpRequest.newBuilder(java.net.URI.create(baseUrl() + path))
                .header("Content-Type", "application/json")
                .header("X-HM-Vendor", TestVendors.HMAC_VENDOR)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());

    HttpResponse<String> stale =
        vendor.send(
            vendor
                .signed("POST", path, body, Instant.now().minus(Duration.ofHours(1)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());

    HttpResponse<String> otherVendorsKey =
        new TestVendors.Client(baseUrl(), TestVendors.ED25519_VENDOR, vendor.http())
            .send(
                vendor
                    .signed("POST", path, body, Instant.now())
                    .setHeader("X-HM-Vendor", TestVendors.ED25519_VENDOR)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build());

    HttpRequest once =
        vendor
            .signed("POST", path, body, Instant.now())
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> first = vendor.send(once);
    HttpResponse<String> replayed = vendor.send(once);

    assertThat(wrong.statusCode()).as("wrong signature").isEqualTo(401);
    assertThat(missing.statusCode()).as("missing signature").isEqualTo(401);
    assertThat(stale.statusCode()).as("outside the replay window").isEqualTo(401);
    assertThat(otherVendorsKey.statusCode()).as("signed by another vendor's key").isEqualTo(401);
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(replayed.statusCode()).as("replayed signature").isEqualTo(401);
    assertThat(replayed.body()).contains("OperationOutcome");
    awaitSettled(JSON.readTree(first.body()).path("submissionId").asText());
    List<Observation> stored = observationsOf(patient);
    assertThat(stored).hasSize(1);
    assertThat(component(stored.get(0), "8480-6")).isEqualTo(138);
  }

  @Test
  default void aVendorSeesOnlyItsOwnSubmissions() throws Exception {
    String user = "u-" + UUID.randomUUID();
    newEnrolledPatient(TestVendors.HMAC_VENDOR, user);
    JsonNode status =
        pushAndSettle(
            vendor(), "/ingest/openmhealth", omh("openmhealth-body-weight.json", user, uuid()));

    HttpResponse<String> other =
        TestVendors.Client.ed25519(baseUrl())
            .get("/ingest/submissions/" + status.path("submissionId").asText());
    HttpResponse<String> unsigned =
        vendor()
            .send(
                HttpRequest.newBuilder(
                        java.net.URI.create(
                            baseUrl()
                                + "/ingest/submissions/"
                                + status.path("submissionId").asText()))
                    .GET()
                    .build());

    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(unsigned.statusCode()).isEqualTo(401);
  }

  // --- Binding ----------------------------------------------------------------------------------

  @Test
  default void aReadingOfAnUnknownUserIsQuarantinedAndReleasedWhenThePatientIsEnrolled()
      throws Exception {
    String user = "u-" + UUID.randomUUID();
    byte[] body = omh("openmhealth-blood-pressure.json", user, uuid());

    JsonNode held = pushAndSettle(vendor(), "/ingest/openmhealth", body);

    JsonNode measurement = held.path("measurements").get(0);
    assertThat(measurement.path("outcome").asText()).isEqualTo("quarantined");
    assertThat(measurement.path("reason").asText()).startsWith("unknown-user");

    IdType patient = newEnrolledPatient(TestVendors.HMAC_VENDOR, user);

    JsonNode released =
        await(
            held.path("submissionId").asText(),
            s -> "created".equals(s.path("measurements").get(0).path("outcome").asText()));
    assertThat(released.path("measurements").get(0).path("outcome").asText()).isEqualTo("created");
    assertThat(observationsOf(patient)).hasSize(1);
  }

  @Test
  default void aVendorCannotWriteForAPatientNotEnrolledWithIt() throws Exception {
    String user = "u-" + UUID.randomUUID();
    IdType patient = newEnrolledPatient(TestVendors.ED25519_VENDOR, user);
    String deviceSystemId = "C026DAFFFE" + randomHex(6);
    registerDevice(deviceSystemId, patient);

    JsonNode status =
        pushAndSettle(
            vendor(), "/ingest/gatt", gatt("2A35", deviceSystemId, example("gatt-bp-mmhg.hex")));

    JsonNode measurement = status.path("measurements").get(0);
    assertThat(measurement.path("outcome").asText()).as(status.toString()).isEqualTo("rejected");
    assertThat(measurement.path("reason").asText()).startsWith("not-enrolled");
    assertThat(observationsOf(patient)).isEmpty();
  }

  // --- GATT
  // ---------------------------------------------------------------------------------------

  @Test
  default void aGattBloodPressureFrameOfABoundDeviceGivesThePanelAndThePulse() throws Exception {
    String user = "contract-" + UUID.randomUUID();
    IdType patient = newEnrolledPatient(TestVendors.HMAC_VENDOR, user);
    String deviceSystemId = "C026DAFFFE" + randomHex(6);
    IdType device = registerDevice(deviceSystemId, patient);

    JsonNode status =
        pushAndSettle(
            vendor(), "/ingest/gatt", gatt("2A35", deviceSystemId, example("gatt-bp-mmhg.hex")));

    List<String> outcomes = new ArrayList<>();
    status.path("measurements").forEach(m -> outcomes.add(m.path("outcome").asText()));
    assertThat(outcomes).as(status.toString()).containsExactly("created", "created");
    List<Observation> stored = observationsOf(patient);
    assertThat(stored).hasSize(2);
    assertThat(stored)
        .allSatisfy(o -> assertThat(o.getDevice().getReference()).isEqualTo(device.getValue()));
    Provenance provenance =
        (Provenance)
            fhirClient()
                .search()
                .forResource(Provenance.class)
                .where(
                    Provenance.TARGET.hasId(
                        stored.get(0).getIdElement().toUnqualifiedVersionless()))
                .returnBundle(Bundle.class)
                .execute()
                .getEntryFirstRep()
                .getResource();
    assertThat(provenance.getTarget()).hasSize(2);
    assertThat(provenance.getAgent())
        .extracting(a -> a.getWho().getIdentifier().getValue())
        .contains("gw-contract");
  }

  // --- FHIR Bundles
  // -------------------------------------------------------------------------------

  /** The examples' patient P1, replaced by a fresh synthetic national id per test. */
  String EXAMPLE_FNR = "15835010187";

  @Test
  default void aPhdTransactionStoresThePanelAndThePulseAndARepostChangesNothing() throws Exception {
    String fnr = FhirServerContract.uniqueFnr();
    IdType patient = newEnrolledPatient(TestVendors.HMAC_VENDOR, "phd-" + uuid(), fnr);
    byte[] body = fhirExample("fhir-phd-transaction-bp.json", fnr);

    Bundle first = postBundle(body);

    assertThat(first.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
    assertThat(statuses(first)).containsExactly("200 OK", "200 OK", "201 Created", "201 Created");
    assertThat(first.getEntry())
        .extracting(Bundle.BundleEntryComponent::getFullUrl)
        .allMatch(url -> url.startsWith("urn:uuid:"));
    List<Observation> stored = observationsOf(patient);
    assertThat(stored).hasSize(2);
    Observation panel =
        stored.stream().filter(o -> !o.getComponent().isEmpty()).findFirst().orElseThrow();
    assertThat(component(panel, "8480-6")).isEqualTo(142);
    assertThat(component(panel, "8462-4")).isEqualTo(88);
    assertThat(component(panel, "8478-0")).isEqualTo(106);
    assertThat(panel.getCode().getCoding())
        .extracting(c -> c.getSystem() + "|" + c.getCode())
        .contains("http://snomed.info/sct|75367002", "http://loinc.org|85354-9");
    assertThat(panel.getEffectiveDateTimeType().getValueAsString())
        .isEqualTo("2025-01-07T07:30:00+01:00");
    Device device =
        fhirClient()
            .read()
            .resource(Device.class)
            .withUrl(panel.getDevice().getReference())
            .execute();
    assertThat(device.getIdentifier())
        .anyMatch(
            id -> PHD_SYSTEM_ID.equals(id.getSystem()) && "C026DAFFFE000005".equals(id.getValue()));
    Observation pulse =
        stored.stream().filter(o -> o.getComponent().isEmpty()).findFirst().orElseThrow();
    assertThat(pulse.getCode().getCoding())
        .extracting(c -> c.getSystem() + "|" + c.getCode())
        .contains("urn:iso:std:iso:11073:10101|149546", "http://loinc.org|8867-4");

    Bundle again = postBundle(body);

    assertThat(statuses(again)).containsOnly("200 OK");
    assertThat(again.getEntry().get(2).getResponse().getLocation())
        .isEqualTo(first.getEntry().get(2).getResponse().getLocation());
    assertThat(observationsOf(patient)).hasSize(2);
  }

  @Test
  default void aPhdCoincidentTimeStampIsStoredAsReceivedBesideTheMeasurements() throws Exception {
    String fnr = FhirServerContract.uniqueFnr();
    IdType patient = newEnrolledPatient(TestVendors.HMAC_VENDOR, "phd-" + uuid(), fnr);
    Bundle transaction =
        (Bundle)
            FhirServerContract.FHIR
                .newJsonParser()
                .parseResource(
                    new String(
                        fhirExample("fhir-phd-transaction-bp.json", fnr), StandardCharsets.UTF_8));
    Observation pulse = (Observation) transaction.getEntry().get(3).getResource();
    Observation timeStamp = new Observation();
    timeStamp.addIdentifier().setValue("C026DAFFFE000005-" + fnr + "-67975-20250107073000");
    timeStamp.setStatus(Observation.ObservationStatus.FINAL);
    timeStamp.getCode().addCoding().setSystem("urn:iso:std:iso:11073:10101").setCode("67975");
    timeStamp.setSubject(pulse.getSubject().copy());
    timeStamp.setDevice(pulse.getDevice().copy());
    timeStamp.setEffective(new org.hl7.fhir.r4.model.DateTimeType("2025-01-07T07:31:00+01:00"));
    timeStamp.setValue(new org.hl7.fhir.r4.model.DateTimeType("2025-01-07T07:30:55+01:00"));
    transaction
        .addEntry()
        .setFullUrl("urn:uuid:" + uuid())
        .setResource(timeStamp)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Observation");
    byte[] body =
        FhirServerContract.FHIR
            .newJsonParser()
            .encodeResourceToString(transaction)
            .getBytes(StandardCharsets.UTF_8);

    Bundle first = postBundle(body);

    assertThat(statuses(first))
        .containsExactly("200 OK", "200 OK", "201 Created", "201 Created", "201 Created");
    Observation stored =
        observationsOf(patient).stream()
            .filter(o -> o.getCode().getCodingFirstRep().getCode().equals("67975"))
            .findFirst()
            .orElseThrow();
    assertThat(stored.getValueDateTimeType().getValueAsString())
        .isEqualTo("2025-01-07T07:30:55+01:00");
    assertThat(stored.getDevice().getReference()).startsWith("Device/");
    assertThat(postBundle(body).getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsOnly("200 OK");
    assertThat(observationsOf(patient)).hasSize(3);
  }

  @Test
  default void aPhdTransactionForAPatientNotEnrolledStoresNothing() throws Exception {
    String fnr = FhirServerContract.uniqueFnr();
    byte[] body = fhirExample("fhir-phd-transaction-bp.json", fnr);

    HttpResponse<String> answer = vendor().post("/ingest/fhir", body);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(422);
    assertThat(answer.body()).contains("OperationOutcome").contains("unknown-patient");
    Bundle patients =
        fhirClient()
            .search()
            .forResource(Patient.class)
            .where(Patient.IDENTIFIER.exactly().systemAndCode("urn:oid:2.16.578.1.12.4.1.4.1", fnr))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(patients.getEntry()).as("device data never creates a patient").isEmpty();
  }

  @Test
  default void aPhdTransactionWithAnImplausibleValueStoresNothing() throws Exception {
    String fnr = FhirServerContract.uniqueFnr();
    IdType patient = newEnrolledPatient(TestVendors.HMAC_VENDOR, "phd-" + uuid(), fnr);
    byte[] body =
        new String(fhirExample("fhir-phd-transaction-bp.json", fnr), StandardCharsets.UTF_8)
            .replace("\"value\": 142", "\"value\": 420")
            .getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> answer = vendor().post("/ingest/fhir", body);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(422);
    assertThat(answer.body()).contains("implausible:systolic");
    assertThat(observationsOf(patient)).as("not even the plausible pulse").isEmpty();
  }

  @Test
  default void aPmdBatchAnswersEachEntryWithItsFullUrlAndARepostIsAllOk() throws Exception {
    String fnr = FhirServerContract.uniqueFnr();
    IdType patient = newEnrolledPatient(TestVendors.HMAC_VENDOR, "pmd-" + uuid(), fnr);
    byte[] body = fhirExample("fhir-vkp-batch.json", fnr);

    Bundle first = postBundle(body);

    assertThat(first.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
    assertThat(statuses(first)).containsOnly("201 Created").hasSize(4);
    Bundle sent =
        (Bundle)
            FhirServerContract.FHIR
                .newJsonParser()
                .parseResource(new String(body, StandardCharsets.UTF_8));
    for (int i = 0; i < 4; i++) {
      String fullUrl = sent.getEntry().get(i).getFullUrl();
      assertThat(first.getEntry().get(i).getFullUrl()).isEqualTo(fullUrl);
      assertThat(
              first
                  .getEntry()
                  .get(i)
                  .getResponse()
                  .getExtensionByUrl(
                      "http://hl7.no/fhir/vkpobservation/StructureDefinition/PmdBundleResponseEntryIdExtension"))
          .isNotNull()
          .satisfies(e -> assertThat(e.getValue().primitiveValue()).isEqualTo(fullUrl));
    }
    Observation weight =
        observationsOf(patient).stream()
            .filter(
                o -> o.getCode().getCoding().stream().anyMatch(c -> "29463-7".equals(c.getCode())))
            .findFirst()
            .orElseThrow();
    assertThat(weight.getValueQuantity().getValue()).isEqualByComparingTo("82.100");
    assertThat(weight.getValueQuantity().getCode()).isEqualTo("kg");

    Bundle again = postBundle(body);

    assertThat(statuses(again)).containsOnly("200 OK").hasSize(4);
    assertThat(observationsOf(patient)).hasSize(4);
  }

  @Test
  default void aPmdBatchStoresTheGoodEntryBesideAnImplausibleOne() throws Exception {
    String fnr = FhirServerContract.uniqueFnr();
    IdType patient = newEnrolledPatient(TestVendors.HMAC_VENDOR, "pmd-" + uuid(), fnr);

    Bundle answer = postBundle(fhirExample("fhir-vkp-batch-invalid-entry.json", fnr));

    assertThat(statuses(answer)).containsExactly("201 Created", "422 Unprocessable Entity");
    OperationOutcome outcome =
        (OperationOutcome) answer.getEntry().get(1).getResponse().getOutcome();
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).startsWith("implausible:spo2");
    assertThat(answer.getEntry().get(1).getFullUrl())
        .isEqualTo("urn:uuid:cae74ba8-b3e9-408c-a74f-c207e013f42b");
    assertThat(observationsOf(patient)).hasSize(1);
  }

  @Test
  default void aChangedPmdPutIsANewVersionOfTheSameObservation() throws Exception {
    String fnr = FhirServerContract.uniqueFnr();
    IdType patient = newEnrolledPatient(TestVendors.HMAC_VENDOR, "pmd-" + uuid(), fnr);
    byte[] body = fhirExample("fhir-vkp-batch.json", fnr);
    Bundle first = postBundle(body);
    byte[] changed =
        new String(body, StandardCharsets.UTF_8)
            .replace("\"value\": 82100", "\"value\": 81900")
            .getBytes(StandardCharsets.UTF_8);

    Bundle second = postBundle(changed);

    assertThat(statuses(second)).containsOnly("200 OK");
    String before = first.getEntry().get(1).getResponse().getLocation();
    String after = second.getEntry().get(1).getResponse().getLocation();
    assertThat(after).isNotEqualTo(before).endsWith("/_history/2");
    assertThat(new IdType(after).getIdPart()).isEqualTo(new IdType(before).getIdPart());
    assertThat(observationsOf(patient)).hasSize(4);
  }

  @Test
  default void aBatchEntryWithoutAnOffsetOrFullUrlIs400OnItsOwn() throws Exception {
    String fnr = FhirServerContract.uniqueFnr();
    IdType patient = newEnrolledPatient(TestVendors.HMAC_VENDOR, "pmd-" + uuid(), fnr);
    Bundle batch =
        (Bundle)
            FhirServerContract.FHIR
                .newJsonParser()
                .parseResource(
                    new String(fhirExample("fhir-vkp-batch.json", fnr), StandardCharsets.UTF_8));
    ((Observation) batch.getEntry().get(0).getResource())
        .setEffective(new org.hl7.fhir.r4.model.DateTimeType("2025-01-08T09:00:00"));
    batch.getEntry().get(1).setFullUrl(null);

    Bundle answer =
        postBundle(
            FhirServerContract.FHIR
                .newJsonParser()
                .encodeResourceToString(batch)
                .getBytes(StandardCharsets.UTF_8));

    assertThat(statuses(answer))
        .containsExactly("400 Bad Request", "400 Bad Request", "201 Created", "201 Created");
    assertThat(observationsOf(patient)).hasSize(2);
  }

  default Bundle postBundle(byte[] body) throws Exception {
    HttpResponse<String> answer = vendor().post("/ingest/fhir", body);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return (Bundle) FhirServerContract.FHIR.newJsonParser().parseResource(answer.body());
  }

  static List<String> statuses(Bundle answer) {
    return answer.getEntry().stream().map(e -> e.getResponse().getStatus()).toList();
  }

  static byte[] fhirExample(String file, String fnr) throws IOException {
    return new String(resource(file), StandardCharsets.UTF_8)
        .replace(EXAMPLE_FNR, fnr)
        .getBytes(StandardCharsets.UTF_8);
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** A blood pressure monitor with a PHD system id, bound to the patient. */
  default IdType registerDevice(String systemId, IdType patient) {
    Device device = new Device();
    device.addIdentifier().setSystem(PHD_SYSTEM_ID).setValue(systemId);
    device.setManufacturer("Test Medical");
    device.setModelNumber("BP-1");
    device.setSerialNumber(systemId);
    device.addDeviceName().setName("Test monitor").setType(Device.DeviceNameType.MODELNAME);
    device.setPatient(new Reference(patient));
    return new IdType(
        fhirClient()
            .create()
            .resource(device)
            .execute()
            .getId()
            .toUnqualifiedVersionless()
            .getValue());
  }

  default TestVendors.Client vendor() {
    return TestVendors.Client.hmac(baseUrl());
  }

  default JsonNode pushAndSettle(TestVendors.Client client, String path, byte[] body)
      throws Exception {
    HttpResponse<String> ack = client.post(path, body);
    assertThat(ack.statusCode()).as(ack.body()).isEqualTo(202);
    String id = JSON.readTree(ack.body()).path("submissionId").asText();
    return await(client, id, DeviceBridgeContract::settled);
  }

  default JsonNode awaitSettled(String submissionId) throws Exception {
    return await(vendor(), submissionId, DeviceBridgeContract::settled);
  }

  default JsonNode await(String submissionId, java.util.function.Predicate<JsonNode> done)
      throws Exception {
    return await(vendor(), submissionId, done);
  }

  default JsonNode await(
      TestVendors.Client client, String submissionId, java.util.function.Predicate<JsonNode> done)
      throws Exception {
    Instant deadline = Instant.now().plus(SETTLE);
    JsonNode status = null;
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> answer = client.get("/ingest/submissions/" + submissionId);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      status = JSON.readTree(answer.body());
      if (done.test(status)) {
        return status;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("submission " + submissionId + " did not settle: " + status);
  }

  static boolean settled(JsonNode status) {
    String s = status.path("status").asText();
    return "done".equals(s) || "dead".equals(s);
  }

  default Observation readObservation(JsonNode measurement) {
    String reference = measurement.path("observation").asText();
    assertThat(reference).as(measurement.toString()).startsWith("Observation/");
    return fhirClient().read().resource(Observation.class).withUrl(reference).execute();
  }

  default List<Observation> observationsOf(IdType patient) {
    Bundle bundle =
        fhirClient()
            .search()
            .forResource(Observation.class)
            .where(Observation.SUBJECT.hasId(patient.toUnqualifiedVersionless()))
            .returnBundle(Bundle.class)
            .execute();
    return bundle.getEntry().stream().map(e -> (Observation) e.getResource()).toList();
  }

  static double component(Observation observation, String loinc) {
    return observation.getComponent().stream()
        .filter(c -> c.getCode().getCoding().stream().anyMatch(x -> loinc.equals(x.getCode())))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no component " + loinc))
        .getValueQuantity()
        .getValue()
        .doubleValue();
  }

  static String uuid() {
    return UUID.randomUUID().toString();
  }

  static String randomHex(int digits) {
    return UUID.randomUUID().toString().replace("-", "").substring(0, digits).toUpperCase();
  }

  /** An Open mHealth example with another user and data point id. */
  static byte[] omh(String example, String user, String dataPointId) throws IOException {
    ObjectNode point = (ObjectNode) JSON.readTree(resource(example));
    ObjectNode header = (ObjectNode) point.path("header");
    header.put("user_id", user);
    header.put("id", dataPointId);
    return JSON.writeValueAsBytes(point);
  }

  static String example(String file) throws IOException {
    String text = new String(resource(file), StandardCharsets.UTF_8);
    StringBuilder hex = new StringBuilder();
    for (String line : text.split("\n")) {
      String content = line.strip();
      if (!content.isEmpty() && !content.startsWith("#")) {
        hex.append(content.replace(" ", ""));
      }
    }
    return hex.toString();
  }

  /** A gateway's envelope for one characteristic value of a device. */
  static byte[] gatt(String characteristic, String systemId, String bytesHex) throws IOException {
    ObjectNode envelope = JSON.createObjectNode();
    envelope.put("gatewayId", "gw-contract");
    envelope.put("deviceAddress", "C0:26:DA:00:00:01");
    envelope.put("systemId", systemId);
    envelope.put("characteristicUuid", characteristic);
    envelope.put("receivedAt", "2025-01-06T08:06:00+01:00");
    envelope.put("gatewayZone", "Europe/Oslo");
    envelope.put("bytesHex", bytesHex);
    return JSON.writeValueAsBytes(envelope);
  }

  static byte[] resource(String file) throws IOException {
    try (InputStream in =
        DeviceBridgeContract.class.getResourceAsStream(
            "/no/homemonitoring/server/ingest/" + file)) {
      if (in == null) {
        throw new IOException(file + " is not in the test resources");
      }
      return in.readAllBytes();
    }
  }

  static Identifier vendorUser(String vendor, String value) {
    return new Identifier()
        .setSystem("http://homemonitoring.no/fhir/sid/vendor-user/" + vendor)
        .setValue(value);
  }

  static Patient enrolled(Patient patient, String vendor, String value) {
    patient.addIdentifier(vendorUser(vendor, value));
    return patient;
  }
}
