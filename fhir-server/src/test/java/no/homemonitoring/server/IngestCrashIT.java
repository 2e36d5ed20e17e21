package no.homemonitoring.server;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
    int port = freePort();
    String baseUrl = "http://localhost:" + port;
    Map<String, String> acknowledged = new HashMap<>();
    List<IdType> patients = new ArrayList<>();
    List<String> users = new ArrayList<>();

    // 1. Processing off: every push is acknowledged and none is processed yet.
    Process first = start(port, "homemonitoring.ingest.processing=false");
    try {
      awaitUp(baseUrl, first);
      IGenericClient fhir = client(baseUrl);
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
      pushAll(baseUrl, users.get(0), acknowledged);
    } finally {
      kill(first);
    }

    // 2. Processing on, killed while it works through the inbox and takes new pushes.
    Process second = start(port, "homemonitoring.ingest.processing=true");
    try {
      awaitUp(baseUrl, second);
      pushAll(baseUrl, users.get(1), acknowledged);
    } finally {
      kill(second);
    }

    // 3. After the restart everything acknowledged is stored, and nothing twice.
    Process third = start(port, "homemonitoring.ingest.processing=true");
    try {
      awaitUp(baseUrl, third);
      TestVendors.Client vendor = TestVendors.Client.hmac(baseUrl);
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
      IGenericClient fhir = client(baseUrl);
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
      kill(third);
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

  /** The server in a JVM of its own, on the test's file database, killable with SIGKILL. */
  private Process start(int port, String... settings) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xmx600m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(FhirServerApplication.class.getName());
    command.add("--server.port=" + port);
    command.add("--homemonitoring.data-dir=" + dataDir);
    command.add("--homemonitoring.ingest.lease=2s");
    command.add("--homemonitoring.ingest.poll=300ms");
    command.add("--homemonitoring.ingest.vendors." + TestVendors.HMAC_VENDOR + ".name=Acme");
    for (String setting : settings) {
      command.add("--" + setting);
    }
    command.addAll(TestTokens.arguments());
    ProcessBuilder builder = new ProcessBuilder(command);
    // The secret reaches the server through its environment, as in production.
    builder
        .environment()
        .put(
            "HOMEMONITORING_INGEST_VENDORS_"
                + TestVendors.HMAC_VENDOR.toUpperCase()
                + "_HMACSECRET",
            TestVendors.HMAC_SECRET);
    Path log = Files.createTempFile(dataDir, "server-", ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }

  private static void awaitUp(String baseUrl, Process server) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (Instant.now().isBefore(deadline)) {
      assertThat(server.isAlive()).as("the server process is running").isTrue();
      try {
        HttpResponse<String> ready =
            http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the server did not become ready");
  }

  /** SIGKILL: no shutdown hook, no graceful stop, no flush beyond what the database committed. */
  private static void kill(Process server) throws InterruptedException {
    server.destroyForcibly();
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  private static IGenericClient client(String baseUrl) {
    FhirContext fhir = FhirContext.forR4Cached();
    fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    return TestTokens.asSystem(fhir.newRestfulGenericClient(baseUrl + "/fhir"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
