package no.homemonitoring.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The README's development-mode token flow, as a new user runs it: the server started with the demo
 * population and the built-in issuer, a token per role from {@code /dev-issuer/token}, and each
 * role's first request answered as the role's rules say.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:dev-issuer;DB_CLOSE_DELAY=-1",
      "homemonitoring.ingest.inbox-url=jdbc:h2:mem:dev-issuer-inbox;DB_CLOSE_DELAY=-1",
      "homemonitoring.security.audit-journal=target/audit-journal/${random.uuid}",
      "homemonitoring.security.dev-issuer.enabled=true",
      "homemonitoring.demo-data.load=true",
      "homemonitoring.demo-data.patients=2",
      "homemonitoring.demo-data.days=1"
    })
class DevIssuerIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;

  @ParameterizedTest(name = "{0}: GET {1} -> {2}")
  @CsvSource({
    "nurse, Observation?patient=Patient/demo-patient-02, 200",
    "nurse, Patient/demo-patient-01, 200",
    "specialist, Patient/demo-patient-01, 200",
    "specialist, Patient/demo-patient-02, 403",
    "relative, Observation?patient=Patient/demo-patient-01, 200",
    "relative, Patient/demo-patient-02, 404",
    "patient, Patient/demo-patient-01/$who-can-see, 200",
    "patient, Patient/demo-patient-02, 404",
    "admin, Organization, 200",
    "admin, Patient/demo-patient-01, 403",
    "vendor, Observation, 403",
    "system, Patient?_count=5, 200"
  })
  void everyRoleGetsATokenThatTheRulesOfItsRoleApplyTo(String role, String path, int status)
      throws Exception {
    HttpResponse<String> issued = issue(role);
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    String token = JSON.readTree(issued.body()).path("access_token").asText();
    assertThat(token).isNotBlank();

    HttpResponse<String> answer =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base() + "/fhir/" + path))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/fhir+json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
    if (status == 200 && path.startsWith("Observation")) {
      JsonNode bundle = JSON.readTree(answer.body());
      assertThat(bundle.path("entry").size()).as("the demo measurements").isPositive();
    }
  }

  @ParameterizedTest
  @CsvSource({"nobody", "''"})
  void anUnknownRoleGetsNoToken(String role) throws Exception {
    assertThat(issue(role).statusCode()).isEqualTo(400);
  }

  /** The README's token command. */
  private HttpResponse<String> issue(String role) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base() + "/dev-issuer/token?role=" + role))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String base() {
    return "http://localhost:" + port;
  }
}
