package no.homemonitoring.benchmark;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

/** Requests against one server's FHIR base, all in FHIR JSON as the apps and nurse UI send them. */
final class FhirEndpoint {

  private static final String FHIR_JSON = "application/fhir+json";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final String root;
  private final String base;

  FhirEndpoint(int port) {
    root = "http://localhost:" + port;
    base = root + "/fhir";
  }

  /** The server's root URL, e.g. {@code http://localhost:8080}, for its non-FHIR APIs. */
  String root() {
    return root;
  }

  /** A Spring Boot actuator endpoint of the same server, e.g. {@code metrics/some.timer}. */
  HttpRequest actuator(String path) {
    return HttpRequest.newBuilder(URI.create(root + "/actuator/" + path))
        .timeout(REQUEST_TIMEOUT)
        .GET()
        .build();
  }

  /** {@code pathAndQuery} is relative to the FHIR base and must already be URL-encoded. */
  HttpRequest get(String pathAndQuery) {
    return request(pathAndQuery).GET().build();
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
    return HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", FHIR_JSON);
  }
}
