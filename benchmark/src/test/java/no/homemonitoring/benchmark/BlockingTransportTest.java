package no.homemonitoring.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BlockingTransportTest {

  /** What the server saw of one request. */
  private record Seen(String method, String path, String contentType, String vendor, String body) {}

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final List<String> clients = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private String root;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          seen.add(
              new Seen(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().toString(),
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  exchange.getRequestHeaders().getFirst("X-HM-Vendor"),
                  new String(body, StandardCharsets.UTF_8)));
          clients.add(exchange.getRemoteAddress().toString());
          byte[] answer = "{\"status\":\"received\"}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Location", "/ingest/submissions/1");
          exchange.sendResponseHeaders(
              exchange.getRequestMethod().equals("POST") ? 202 : 200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
    root = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void sendsTheRequestAsBuiltAndAnswersInTheJdkShape() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(root + "/ingest/openmhealth?x=1"))
            .header("Content-Type", "application/json")
            .header("X-HM-Vendor", "bench")
            .POST(HttpRequest.BodyPublishers.ofString("{\"body\":\"å\"}"))
            .build();
    try (BlockingTransport transport = new BlockingTransport(2)) {
      HttpResponse<String> response = transport.send(request);

      assertThat(response.statusCode()).isEqualTo(202);
      assertThat(response.body()).isEqualTo("{\"status\":\"received\"}");
      assertThat(response.headers().firstValue("Location")).hasValue("/ingest/submissions/1");
      assertThat(response.request()).isSameAs(request);
      assertThat(response.uri()).isEqualTo(request.uri());
    }
    assertThat(seen)
        .containsExactly(
            new Seen(
                "POST",
                "/ingest/openmhealth?x=1",
                "application/json",
                "bench",
                "{\"body\":\"å\"}"));
  }

  @Test
  void sendsAGetWithoutBodyAndKeepsTheConnectionForTheNextRequest() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(root + "/fhir/metadata")).GET().build();
    try (BlockingTransport transport = new BlockingTransport(2)) {
      assertThat(transport.send(request).statusCode()).isEqualTo(200);
      assertThat(transport.send(request).statusCode()).isEqualTo(200);
    }
    assertThat(seen).extracting(Seen::method, Seen::body).containsOnly(tuple("GET", ""));
    // One thread, one keep-alive connection: both requests came from the same client port.
    assertThat(clients).hasSize(2).containsOnly(clients.get(0));
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }
}
