package no.homemonitoring.server;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the bridge acknowledged survives a crash: a server killed with SIGKILL after it has
 * acknowledged pushes, some processed and some not, stores every acknowledged measurement exactly
 * once after it is started again on the same file database.
 */
class IngestCrashIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SUBMISSIONS = 12;
  private static final int POINTS_PER_SUBMISSION = 5;

  @TempDir Path dataDir;

  @Test
  void everyAcknowledgedMeasurementIsStoredExactlyOnceAfterAKillAndARestart() throws Exception {
    int port = KillableServer.freePort();
    Map<String, String> acknowledged = new HashMap<>();
    List<IdType> patients = new ArrayList<>();
    List<String> users = new ArrayList<>();

    // 1. Processing off: every push is acknowledged and none is processed yet.
    KillableServer first = start(port, "homemonitoring.ingest.processing=false");
    try {
      IGenericClient fhir = first.client();
      for (int i = 0; i < 2; i++) {
        String user = "crash-" + UUID.randomUUID();
        users.add(user);
        patients.add(
            new IdType(
                fhir.create()
                    .resource(
                        DeviceBridgeContract.enrolled(
                            FhirServerContract.patient(FhirServerContract.uniqueFnr()),
                            TestVendors.HMAC_VENDOR,
                            user))
                    .execute()
                    .getId()
                    .toUnqualifiedVersionless()
                    .getValue()));
      }
      pushAll(first.baseUrl, users.get(0), acknowledged);
    } finally {
      first.kill();
    }

    // 2. Processing on, killed while it works through the inbox and takes new pushes.
    KillableServer second = start(port, "homemonitoring.ingest.processing=true");
    try {
      pushAll(second.baseUrl, users.get(1), acknowledged);
    } finally {
      second.kill();
    }

    // 3. After the restart everything acknowledged is stored, and nothing twice.
    KillableServer third = start(port, "homemonitoring.ingest.processing=true");
    try {
      TestVendors.Client vendor = TestVendors.Client.hmac(third.baseUrl);
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      for (String submission : acknowledged.keySet()) {
        JsonNode status;
        do {
          HttpResponse<String> answer = vendor.get("/ingest/submissions/" + submission);
          assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
          status = JSON.readTree(answer.body());
          if ("done".equals(status.path("status").asText())) {
            break;
          }
          Thread.sleep(200);
        } while (Instant.now().isBefore(deadline));
        assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("done");
        status
            .path("measurements")
            .forEach(
                m ->
                    assertThat(m.path("outcome").asText())
                        .as(m.toString())
                        .isIn("created", "duplicate"));
      }
      IGenericClient fhir = third.client();
      for (IdType patient : patients) {
        Bundle observations =
            fhir.search()
                .forResource(Observation.class)
                .where(Observation.SUBJECT.hasId(patient))
                .count(500)
                .returnBundle(Bundle.class)
                .execute();
        List<String> identifiers =
            observations.getEntry().stream()
                .map(e -> ((Observation) e.getResource()).getIdentifierFirstRep().getValue())
                .toList();
        assertThat(identifiers)
            .as("every acknowledged measurement of " + patient + " once")
            .hasSize(SUBMISSIONS * POINTS_PER_SUBMISSION)
            .doesNotHaveDuplicates();
      }
    } finally {
      third.kill();
    }
  }

  private static void pushAll(String baseUrl, String user, Map<String, String> acknowledged)
      throws Exception {
    TestVendors.Client vendor = TestVendors.Client.hmac(baseUrl);
    for (int s = 0; s < SUBMISSIONS; s++) {
      ArrayNode points = JSON.createArrayNode();
      for (int p = 0; p < POINTS_PER_SUBMISSION; p++) {
        points.add(
            JSON.readTree(
                DeviceBridgeContract.omh(
                    "openmhealth-body-weight.json", user, UUID.randomUUID().toString())));
      }
      HttpResponse<String> ack = vendor.post("/ingest/openmhealth", JSON.writeValueAsBytes(points));
      assertThat(ack.statusCode()).as(ack.body()).isEqualTo(202);
      acknowledged.put(JSON.readTree(ack.body()).path("submissionId").asText(), user);
    }
  }

  private KillableServer start(int port, String setting) throws Exception {
    // The secret reaches the server through its environment, as in production.
    return KillableServer.start(
        dataDir,
        port,
        Map.of(
            "HOMEMONITORING_INGEST_VENDORS_"
                + TestVendors.HMAC_VENDOR.toUpperCase()
                + "_HMACSECRET",
            TestVendors.HMAC_SECRET),
        "homemonitoring.ingest.lease=2s",
        "homemonitoring.ingest.poll=300ms",
        "homemonitoring.ingest.vendors." + TestVendors.HMAC_VENDOR + ".name=Acme",
        setting);
  }
}
