package no.homemonitoring.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One server under test: a child JVM on a free port with a fresh, empty data directory, so every
 * run pays the full cold start and nothing is left over from a previous run.
 */
final class ServerProcess implements AutoCloseable {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final long startedNanos;
  private final Path workDirectory;
  private final Path log;
  private final FhirEndpoint endpoint;
  private final Thread stopOnExit;
  private boolean keepData;

  private ServerProcess(
      Process process, long startedNanos, Path workDirectory, Path log, int port, boolean keep) {
    this.process = process;
    this.startedNanos = startedNanos;
    this.workDirectory = workDirectory;
    this.log = log;
    this.endpoint = new FhirEndpoint(port);
    this.keepData = keep;
    // Without this, interrupting the benchmark would leave an orphaned server holding its port.
    this.stopOnExit = new Thread(this::stop);
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  /** glibc's limit on malloc arenas; its default is 8 per core. */
  static final String MALLOC_ARENA_MAX = "MALLOC_ARENA_MAX";

  static final String DEFAULT_MALLOC_ARENA_MAX = "2";

  /** The MALLOC_ARENA_MAX a server gets: the benchmark's own, else the default. */
  static String mallocArenaMax() {
    return System.getenv().getOrDefault(MALLOC_ARENA_MAX, DEFAULT_MALLOC_ARENA_MAX);
  }

  static ServerProcess start(ServerLaunch launch) throws IOException {
    Path workDirectory = Files.createTempDirectory("server-benchmark-");
    Path dataDirectory = Files.createDirectory(workDirectory.resolve("data"));
    Path log = workDirectory.resolve("server.log");
    int port = freePort();

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(launch.jvmOptions());
    command.add("-jar");
    command.add(launch.jar().toAbsolutePath().toString());
    command.add("--server.port=" + port);
    command.add("--homemonitoring.data-dir=" + dataDirectory);
    // Tokens come from the server's own development issuer (see FhirEndpoint).
    command.add("--homemonitoring.security.dev-issuer.enabled=true");
    command.addAll(launch.serverArgs());

    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDirectory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // As README command 1 starts the server; a value set for the benchmark itself is kept.
    builder.environment().putIfAbsent(MALLOC_ARENA_MAX, DEFAULT_MALLOC_ARENA_MAX);
    builder.environment().putAll(launch.environment());
    long startedNanos = System.nanoTime();
    Process process = builder.start();
    return new ServerProcess(process, startedNanos, workDirectory, log, port, launch.keepData());
  }

  long pid() {
    return process.pid();
  }

  FhirEndpoint endpoint() {
    return endpoint;
  }

  Path log() {
    return log;
  }

  /** Time from process start until {@code GET /fhir/metadata} first answers 200. */
  Duration awaitReady(HttpClient client, Duration timeout)
      throws ServerFailedException, InterruptedException {
    while (true) {
      Duration elapsed = Duration.ofNanos(System.nanoTime() - startedNanos);
      requireRunning("starting");
      if (elapsed.compareTo(timeout) > 0) {
        throw failed("server did not answer /metadata within " + timeout.toSeconds() + " s");
      }
      try {
        HttpResponse<Void> response =
            client.send(endpoint.get("metadata"), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          Duration ready = Duration.ofNanos(System.nanoTime() - startedNanos);
          endpoint.authorize(client);
          return ready;
        }
      } catch (IOException notListeningYet) {
        // Expected until the server has opened its port.
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
  }

  /** Without this, a crashed server would show up only as a run full of refused connections. */
  void requireRunning(String activity) throws ServerFailedException {
    if (!process.isAlive()) {
      throw failed("server exited with code " + process.exitValue() + " while " + activity);
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running already and stops the server itself.
    }
    if (keepData) {
      System.err.println("  kept " + workDirectory);
    } else {
      deleteRecursively(workDirectory);
    }
  }

  private ServerFailedException failed(String reason) {
    keepData = true;
    return new ServerFailedException(reason, log);
  }

  /** SIGTERM first so the server can close its database cleanly, as it would in production. */
  private void stop() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        System.err.println(
            "  server ignored SIGTERM for " + STOP_TIMEOUT.toSeconds() + " s; killing it");
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(ServerProcess::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path path) {
    try {
      Files.delete(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
