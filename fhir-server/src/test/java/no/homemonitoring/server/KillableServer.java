package no.homemonitoring.server;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server in a JVM of its own on a test's data directory, for crash tests: started with the
 * test's settings and environment, killed with SIGKILL (no shutdown hook, no graceful stop, nothing
 * kept beyond what reached the disk).
 */
final class KillableServer {

  private final Process process;
  final String baseUrl;

  private KillableServer(Process process, int port) {
    this.process = process;
    this.baseUrl = "http://localhost:" + port;
  }

  /** A free port to give every start of one test's server. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Starts the server and waits until it is ready. */
  static KillableServer start(
      Path dataDir, int port, Map<String, String> environment, String... settings)
      throws Exception {
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
    for (String setting : settings) {
      command.add("--" + setting);
    }
    command.addAll(TestTokens.arguments());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    Path log = Files.createTempFile(dataDir, "server-", ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    KillableServer server = new KillableServer(builder.start(), port);
    try {
      server.awaitUp();
    } catch (Throwable failure) {
      server.kill();
      throw failure;
    }
    return server;
  }

  private void awaitUp() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (Instant.now().isBefore(deadline)) {
      assertThat(process.isAlive()).as("the server process is running").isTrue();
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

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  /** A FHIR client with a system token. */
  IGenericClient client() {
    FhirContext fhir = FhirContext.forR4Cached();
    fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    return TestTokens.asSystem(fhir.newRestfulGenericClient(baseUrl + "/fhir"));
  }
}
