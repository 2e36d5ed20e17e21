package no.homemonitoring.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import no.homemonitoring.bridge.withings.WithingsTokens;
import no.homemonitoring.server.ingest.Submission;
import no.homemonitoring.server.ingest.SubmissionStore;
import no.homemonitoring.server.ingest.withings.WithingsAccounts;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Withings end to end against WireMock as Withings' API: the webhook answers at once, the pull runs
 * in the background with the user's token (refreshed and rotated when it runs out), and the
 * measurements become Observations of the enrolled patient.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:withings;DB_CLOSE_DELAY=-1",
      "homemonitoring.ingest.inbox-url=jdbc:h2:mem:withings-inbox;DB_CLOSE_DELAY=-1",
      "homemonitoring.security.audit-journal=target/audit-journal/${random.uuid}"
    })
class WithingsIngestIT {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final String TOKEN = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
  private static final String CLIENT_SECRET =
      HexFormat.of().formatHex(new SecureRandom().generateSeed(16));

  @RegisterExtension
  static WireMockExtension withings =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    TestVendors.register(registry);
    TestTokens.register(registry);
    registry.add("homemonitoring.ingest.withings.client-id", () -> "bridge-client");
    registry.add("homemonitoring.ingest.withings.client-secret", () -> CLIENT_SECRET);
    registry.add("homemonitoring.ingest.withings.callback-token", () -> TOKEN);
    registry.add("homemonitoring.ingest.withings.base-url", withings::baseUrl);
  }

  @LocalServerPort int port;
  @Autowired WithingsAccounts accounts;
  @Autowired SubmissionStore store;

  final HttpClient http = HttpClient.newHttpClient();
  IGenericClient fhir;

  @BeforeEach
  void connect() {
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    fhir = TestTokens.asSystem(FHIR.newRestfulGenericClient("http://localhost:" + port + "/fhir"));
    withings.resetAll();
  }

  @Test
  void aNotificationIsAnsweredAtOnceAndTheUsersMeasurementsArePulledAndStored() throws Exception {
    String user = newUser();
    IdType patient = enrolledPatient(user);
    accounts.authorise(
        user, new WithingsTokens("access-1", "refresh-1", Instant.now().plus(Duration.ofHours(3))));
    withings.stubFor(
        post(urlEqualTo("/measure"))
            .withHeader("Authorization", equalTo("Bearer access-1"))
            .willReturn(json(DeviceBridgeContract.resource("withings-getmeas-bp.json"))));

    HttpResponse<String> probe =
        send(
            HttpRequest.newBuilder(notifyUrl(TOKEN))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    long started = System.nanoTime();
    HttpResponse<String> notified = notify(TOKEN, user);
    Duration answeredIn = Duration.ofNanos(System.nanoTime() - started);

    assertThat(probe.statusCode()).isEqualTo(200);
    assertThat(notified.statusCode()).isEqualTo(200);
    assertThat(answeredIn).isLessThan(Duration.ofSeconds(2));
    List<Observation> stored = awaitObservations(patient, 2);
    Observation panel =
        stored.stream().filter(o -> !o.getComponent().isEmpty()).findFirst().orElseThrow();
    assertThat(DeviceBridgeContract.component(panel, "8480-6")).isEqualTo(138);
    assertThat(DeviceBridgeContract.component(panel, "8462-4")).isEqualTo(84);
    assertThat(panel.getEffectiveDateTimeType().getValueAsString())
        .isEqualTo("2025-01-06T08:05:12+01:00");
    Observation pulse =
        stored.stream().filter(o -> o.getComponent().isEmpty()).findFirst().orElseThrow();
    assertThat(pulse.getValueQuantity().getValue()).isEqualByComparingTo("72");
    withings.verify(
        postRequestedFor(urlEqualTo("/measure"))
            .withRequestBody(containing("startdate=1736147112"))
            .withRequestBody(containing("action=getmeas")));
    awaitWatermark(user);

    notify(TOKEN, user);
    Thread.sleep(1500);
    assertThat(awaitObservations(patient, 2)).as("a repeated notification adds nothing").hasSize(2);
  }

  @Test
  void aWrongTokenIs404AndAUserWhoNeverAuthorisedIsIgnored() throws Exception {
    String user = newUser();

    HttpResponse<String> wrong = notify("not-the-token-" + TOKEN, user);
    HttpResponse<String> wrongProbe =
        send(
            HttpRequest.newBuilder(notifyUrl("nope"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    HttpResponse<String> unknown = notify(TOKEN, user);
    HttpResponse<String> malformed =
        send(
            HttpRequest.newBuilder(notifyUrl(TOKEN))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("userid=abc")));

    assertThat(wrong.statusCode()).isEqualTo(404);
    assertThat(wrongProbe.statusCode()).isEqualTo(404);
    assertThat(unknown.statusCode()).as("Withings retries anything else for hours").isEqualTo(200);
    assertThat(malformed.statusCode()).isEqualTo(200);
    Thread.sleep(1000);
    withings.verify(0, postRequestedFor(urlEqualTo("/measure")));
  }

  @Test
  void aTokenAboutToExpireIsRefreshedAndTheRotatedRefreshTokenKept() throws Exception {
    String user = newUser();
    IdType patient = enrolledPatient(user);
    accounts.authorise(
        user,
        new WithingsTokens("old-access", "old-refresh", Instant.now().plus(Duration.ofMinutes(1))));
    withings.stubFor(
        post(urlEqualTo("/v2/oauth2"))
            .withRequestBody(containing("refresh_token=old-refresh"))
            .willReturn(
                json(
                    ("{\"status\":0,\"body\":{\"userid\":\""
                            + user
                            + "\",\"access_token\":\"new-access\","
                            + "\"refresh_token\":\"new-refresh\",\"expires_in\":10800,\"scope\":\"user.metrics\"}}")
                        .getBytes())));
    withings.stubFor(
        post(urlEqualTo("/measure"))
            .withHeader("Authorization", equalTo("Bearer new-access"))
            .willReturn(json(DeviceBridgeContract.resource("withings-getmeas-weight.json"))));

    notify(TOKEN, user);

    List<Observation> stored = awaitObservations(patient, 2);
    assertThat(stored)
        .anyMatch(
            o ->
                o.hasValueQuantity()
                    && o.getValueQuantity().getValue().compareTo(new java.math.BigDecimal("82.350"))
                        == 0);
    assertThat(accounts.find(user).orElseThrow().tokens().refreshToken()).isEqualTo("new-refresh");
  }

  @Test
  void aRefusedRefreshMakesTheNotificationADeadLetterAndFlagsTheUser() throws Exception {
    String user = newUser();
    enrolledPatient(user);
    accounts.authorise(
        user, new WithingsTokens("dead-access", "dead-refresh", Instant.now().minusSeconds(60)));
    withings.stubFor(
        post(urlEqualTo("/v2/oauth2"))
            .willReturn(
                json(
                    "{\"status\":401,\"body\":{},\"error\":\"invalid refresh token\"}"
                        .getBytes())));

    notify(TOKEN, user);

    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    List<Submission> dead = List.of();
    while (Instant.now().isBefore(deadline) && dead.isEmpty()) {
      Thread.sleep(200);
      dead =
          store.byStatus("withings", Submission.DEAD, 50).stream()
              .filter(s -> new String(s.payload()).contains("userid=" + user))
              .toList();
    }
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).lastError()).contains("reauthorization-required");
    assertThat(dead.get(0).attempts()).as("not retried: only the user can mend it").isEqualTo(1);
    assertThat(accounts.find(user).orElseThrow().state())
        .isEqualTo(WithingsAccounts.REAUTHORIZATION_REQUIRED);
    withings.verify(0, postRequestedFor(urlEqualTo("/measure")));
  }

  private static String newUser() {
    return Long.toString(ThreadLocalRandom.current().nextLong(10_000_000L, 99_999_999L));
  }

  private IdType enrolledPatient(String user) {
    Patient patient = FhirServerContract.patient(FhirServerContract.uniqueFnr());
    DeviceBridgeContract.enrolled(patient, "withings", user);
    return new IdType(
        fhir.create().resource(patient).execute().getId().toUnqualifiedVersionless().getValue());
  }

  private URI notifyUrl(String token) {
    return URI.create("http://localhost:" + port + "/ingest/withings/notify/" + token);
  }

  private HttpResponse<String> notify(String token, String user) throws Exception {
    return send(
        HttpRequest.newBuilder(notifyUrl(token))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "userid=" + user + "&appli=4&startdate=1736147112&enddate=1736147113")));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(
      byte[] body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  private List<Observation> awaitObservations(IdType patient, int count)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    List<Observation> found = List.of();
    while (Instant.now().isBefore(deadline)) {
      found =
          fhir
              .search()
              .forResource(Observation.class)
              .where(Observation.SUBJECT.hasId(patient))
              .returnBundle(Bundle.class)
              .execute()
              .getEntry()
              .stream()
              .map(e -> (Observation) e.getResource())
              .toList();
      if (found.size() >= count) {
        return found;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "expected " + count + " Observations of " + patient + ", found " + found.size());
  }

  private void awaitWatermark(String user) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (Instant.now().isBefore(deadline)) {
      if (accounts.find(user).orElseThrow().watermark() != null) {
        assertThat(accounts.find(user).orElseThrow().watermark())
            .isEqualTo(Instant.ofEpochSecond(1736147190));
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no watermark for " + user);
  }
}
