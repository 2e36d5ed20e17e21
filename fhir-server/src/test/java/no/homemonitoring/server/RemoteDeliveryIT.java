package no.homemonitoring.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import no.homemonitoring.bridge.fhir.ObservationFactory;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Adapter mode against a remote FHIR server played by WireMock: a 503 and a timeout are retried,
 * the Observation arrives once, and a retransmission finds it there instead of writing again.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:remote-delivery;DB_CLOSE_DELAY=-1",
      "homemonitoring.ingest.inbox-url=jdbc:h2:mem:remote-delivery-inbox;DB_CLOSE_DELAY=-1",
      "homemonitoring.security.audit-journal=target/audit-journal/${random.uuid}"
    })
class RemoteDeliveryIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final String OBSERVATIONS = "/fhir/Observation";

  @RegisterExtension
  static WireMockExtension remote =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @LocalServerPort int port;

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    TestVendors.register(registry);
    TestTokens.register(registry);
    registry.add("homemonitoring.ingest.deliver-to", () -> remote.baseUrl() + "/fhir");
    registry.add("homemonitoring.ingest.delivery-timeout", () -> "1s");
    registry.add("homemonitoring.ingest.max-attempts", () -> "6");
  }

  String baseUrl;
  IGenericClient local;

  @BeforeEach
  void connect() {
    baseUrl = "http://localhost:" + port;
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    local = TestTokens.asSystem(FHIR.newRestfulGenericClient(baseUrl + "/fhir"));
    remote.resetAll();
    remote.stubFor(
        put(urlPathMatching("/fhir/Provenance/.*"))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody(
                        "{\"resourceType\":\"Provenance\",\"id\":\"p1\",\"meta\":{\"versionId\":\"1\"}}")));
  }

  @Test
  void a503AndATimeoutAreRetriedAndTheObservationArrivesOnce() throws Exception {
    String user = "remote-" + UUID.randomUUID();
    IdType patient = enrolledPatient(user);
    byte[] body =
        DeviceBridgeContract.omh(
            "openmhealth-body-weight.json", user, UUID.randomUUID().toString());
    String created =
        "{\"resourceType\":\"Observation\",\"id\":\"r1\",\"meta\":{\"versionId\":\"1\"},\"status\":\"final\"}";
    remoteHoldsNoObservation();
    remote.stubFor(
        put(urlPathEqualTo(OBSERVATIONS))
            .inScenario("flaky")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(503).withBody("busy"))
            .willSetStateTo("slow"));
    remote.stubFor(
        put(urlPathEqualTo(OBSERVATIONS))
            .inScenario("flaky")
            .whenScenarioStateIs("slow")
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withFixedDelay(3000)
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody(created))
            .willSetStateTo("up"));
    remote.stubFor(
        put(urlPathEqualTo(OBSERVATIONS))
            .inScenario("flaky")
            .whenScenarioStateIs("up")
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Location", remote.baseUrl() + "/fhir/Observation/r1/_history/1")
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody(created)));

    JsonNode status = pushAndSettle(body);

    assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("done");
    JsonNode measurement = status.path("measurements").get(0);
    assertThat(measurement.path("outcome").asText()).isEqualTo("created");
    assertThat(measurement.path("observation").asText()).isEqualTo("Observation/r1/_history/1");
    assertThat(status.path("attempts").asInt()).as("503, timeout, success").isEqualTo(3);
    remote.verify(
        3,
        putRequestedFor(urlPathEqualTo(OBSERVATIONS))
            .withQueryParam("identifier", equalTo(identifierOf(status)))
            .withRequestBody(matchingJsonPath("$.subject.identifier.value"))
            .withRequestBody(matchingJsonPath("$.valueQuantity.code", equalTo("kg"))));
    Bundle localObservations =
        local
            .search()
            .forResource(Observation.class)
            .where(Observation.SUBJECT.hasId(patient))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(localObservations.getEntry()).as("delivered elsewhere, not stored here").isEmpty();
  }

  @Test
  void aRetransmissionFindsTheObservationThereAndWritesNothing() throws Exception {
    String user = "remote-" + UUID.randomUUID();
    enrolledPatient(user);
    byte[] body =
        DeviceBridgeContract.omh(
            "openmhealth-oxygen-saturation.json", user, UUID.randomUUID().toString());
    remoteHoldsNoObservation();
    remote.stubFor(
        put(urlPathEqualTo(OBSERVATIONS))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Location", remote.baseUrl() + "/fhir/Observation/r2/_history/1")
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody(
                        "{\"resourceType\":\"Observation\",\"id\":\"r2\",\"meta\":{\"versionId\":\"1\"}}")));
    JsonNode first = pushAndSettle(body);
    assertThat(first.path("measurements").get(0).path("outcome").asText()).isEqualTo("created");
    String sent =
        remote.getAllServeEvents().stream()
            .filter(
                e ->
                    e.getRequest().getMethod().getName().equals("PUT")
                        && e.getRequest().getUrl().startsWith(OBSERVATIONS))
            .findFirst()
            .orElseThrow()
            .getRequest()
            .getBodyAsString();
    Observation stored = (Observation) FHIR.newJsonParser().parseResource(sent);
    stored.setId("r2");
    stored.getMeta().setVersionId("1");
    Bundle found = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    found.addEntry().setResource(stored);
    remote.stubFor(
        get(urlPathEqualTo(OBSERVATIONS))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody(FHIR.newJsonParser().encodeResourceToString(found))));

    JsonNode second = pushAndSettle(body);

    JsonNode again = second.path("measurements").get(0);
    assertThat(again.path("outcome").asText()).as(second.toString()).isEqualTo("duplicate");
    assertThat(again.path("observation").asText()).isEqualTo("Observation/r2/_history/1");
    remote.verify(1, putRequestedFor(urlPathEqualTo(OBSERVATIONS)));
    remote.verify(2, getRequestedFor(urlPathEqualTo(OBSERVATIONS)));
  }

  @Test
  void aRemoteThatRefusesTheObservationRejectsItWithTheReason() throws Exception {
    String user = "remote-" + UUID.randomUUID();
    enrolledPatient(user);
    byte[] body =
        DeviceBridgeContract.omh(
            "openmhealth-blood-pressure.json", user, UUID.randomUUID().toString());
    remoteHoldsNoObservation();
    remote.stubFor(
        put(urlPathEqualTo(OBSERVATIONS))
            .willReturn(
                aResponse()
                    .withStatus(422)
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody(
                        "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"processing\",\"diagnostics\":\"profile says no\"}]}")));

    JsonNode status = pushAndSettle(body);

    JsonNode measurement = status.path("measurements").get(0);
    assertThat(measurement.path("outcome").asText()).isEqualTo("rejected");
    assertThat(measurement.path("reason").asText()).contains("remote-refused").contains("422");
    assertThat(status.path("attempts").asInt()).as("a lasting refusal is not retried").isEqualTo(1);
  }

  /** The remote server's search by identifier finds nothing. */
  private static void remoteHoldsNoObservation() {
    remote.stubFor(
        get(urlPathEqualTo(OBSERVATIONS))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}")));
  }

  private IdType enrolledPatient(String user) {
    return new IdType(
        local
            .create()
            .resource(
                DeviceBridgeContract.enrolled(
                    FhirServerContract.patient(FhirServerContract.uniqueFnr()),
                    TestVendors.HMAC_VENDOR,
                    user))
            .execute()
            .getId()
            .toUnqualifiedVersionless()
            .getValue());
  }

  private JsonNode pushAndSettle(byte[] body) throws Exception {
    TestVendors.Client vendor = TestVendors.Client.hmac(baseUrl);
    HttpResponse<String> ack = vendor.post("/ingest/openmhealth", body);
    assertThat(ack.statusCode()).as(ack.body()).isEqualTo(202);
    String id = JSON.readTree(ack.body()).path("submissionId").asText();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(40));
    JsonNode status = null;
    while (Instant.now().isBefore(deadline)) {
      status = JSON.readTree(vendor.get("/ingest/submissions/" + id).body());
      if (DeviceBridgeContract.settled(status)) {
        return status;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not settled: " + status);
  }

  private static String identifierOf(JsonNode status) {
    return ObservationFactory.IDENTITY_SYSTEM
        + "|"
        + status.path("measurements").get(0).path("identity").asText();
  }
}
