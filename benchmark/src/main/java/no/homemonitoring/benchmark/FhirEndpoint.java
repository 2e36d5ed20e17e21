package no.homemonitoring.benchmark;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

/**
 * Requests against one server's FHIR base, all in FHIR JSON as the apps and nurse UI send them,
 * each with an access token of the server's development issuer: the nurse's search and reads as a
 * home-care nurse of the population's municipality, loads and single posts as a backend integration
 * ({@code system/} scopes).
 */
final class FhirEndpoint {

  private static final String FHIR_JSON = "application/fhir+json";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** The organisation number of the synthetic population's municipality (fictitious). */
  static final String MUNICIPALITY_ORGNR = "999999999";

  private final String root;
  private final String base;
  private volatile String systemToken;
  private volatile String nurseToken;

  FhirEndpoint(int port) {
    root = "http://localhost:" + port;
    base = root + "/fhir";
  }

  /** The server's root URL, e.g. {@code http://localhost:8080}, for its non-FHIR APIs. */
  String root() {
    return root;
  }

  /** Gets the tokens from the server's development issuer (once it answers). */
  void authorize(java.net.http.HttpClient client) throws java.io.IOException, InterruptedException {
    systemToken = token(client, "role=system");
    nurseToken = token(client, "role=nurse&orgnr=" + MUNICIPALITY_ORGNR);
  }

  private String token(java.net.http.HttpClient client, String query)
      throws java.io.IOException, InterruptedException {
    java.net.http.HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(root + "/dev-issuer/token?" + query))
                .timeout(REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new java.io.IOException(
          "no token from the development issuer ("
              + response.statusCode()
              + "): "
              + response.body());
    }
    java.util.regex.Matcher token =
        java.util.regex.Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"")
            .matcher(response.body());
    if (!token.find()) {
      throw new java.io.IOException("no access_token in " + response.body());
    }
    return token.group(1);
  }

  /** A Spring Boot actuator endpoint of the same server, e.g. {@code metrics/some.timer}. */
  HttpRequest actuator(String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(root + "/actuator/" + path)).timeout(REQUEST_TIMEOUT);
    if (systemToken != null) {
      request.header("Authorization", "Bearer " + systemToken);
    }
    return request.GET().build();
  }

  /** {@code pathAndQuery} is relative to the FHIR base and must already be URL-encoded. */
  HttpRequest get(String pathAndQuery) {
    return request(pathAndQuery).GET().build();
  }

  /** The same, as the home-care nurse (audited, confined to the nurse's patients). */
  HttpRequest getAsNurse(String pathAndQuery) {
    URI uri = URI.create(base + "/" + pathAndQuery);
    return HttpRequest.newBuilder(uri)
        .timeout(REQUEST_TIMEOUT)
        .header("Accept", FHIR_JSON)
        .header("Authorization", "Bearer " + nurseToken)
        .GET()
        .build();
  }

  HttpRequest post(String path, String json) {
    return request(path)
        .header("Content-Type", FHIR_JSON)
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  HttpRequest transaction(String bundleJson) {
    return post("", bundleJson);
  }

  private HttpRequest.Builder request(String path) {
    URI uri = URI.create(path.isEmpty() ? base : base + "/" + path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", FHIR_JSON);
    if (systemToken != null) {
      request.header("Authorization", "Bearer " + systemToken);
    }
    return request;
  }
}
