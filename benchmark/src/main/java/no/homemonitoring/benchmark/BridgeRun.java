package no.homemonitoring.benchmark;

import ca.uhn.fhir.util.BundleBuilder;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;

/**
 * One run on one database: a fresh database and server, then at every concurrency the same kind of
 * readings stored twice, once by plain FHIR POST and once through the device bridge's ingest API.
 */
final class BridgeRun {

  static final String OPEN_MHEALTH_PATH = "/ingest/openmhealth";
  static final String VENDOR_USER_SYSTEM = "http://homemonitoring.no/fhir/sid/vendor-user/";
  static final Duration POLL_INTERVAL = Duration.ofMillis(50);
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);

  private final HttpClient client;
  private final ConcurrentRequests requests;
  private final SyntheticPopulation population;
  private final BridgeWorkload workload;
  private final VendorSigner signer;
  private final long seed;

  BridgeRun(
      HttpClient client,
      Transport transport,
      SyntheticPopulation population,
      BridgeWorkload workload,
      VendorSigner signer,
      long seed) {
    if (population.patients() < workload.patients()) {
      throw new IllegalArgumentException("one patient per phase: " + workload.patients());
    }
    this.client = client;
    this.requests = new ConcurrentRequests(transport);
    this.population = population;
    this.workload = workload;
    this.signer = signer;
    this.seed = seed;
  }

  /** The OMH user id the vendor knows patient {@code patient} by. */
  static String userId(int patient) {
    return "bench-user-" + patient;
  }

  /**
   * {@code bridgeFirst} swaps the order of the two paths at every level, so that alternate runs do
   * not always give one path the warmer server.
   */
  BridgeRunResult execute(ServerLaunch launch, Database database, boolean bridgeFirst)
      throws IOException, InterruptedException, ServerFailedException {
    try (RunDatabase storage = RunDatabase.start(database);
        ServerProcess server = ServerProcess.start(storage.applyTo(launch))) {
      System.err.printf("  started server (pid %d), log %s%n", server.pid(), server.log());
      Duration startup = server.awaitReady(client, STARTUP_TIMEOUT);
      System.err.printf("  ready after %.1f s%n", startup.toMillis() / 1000.0);
      FhirEndpoint fhir = server.endpoint();

      int failures = enrolPatients(fhir).failures();
      int warmup = workload.warmup();
      int concurrency = BridgeWorkload.WARMUP_CONCURRENCY;
      failures += plain(fhir, 1, concurrency, warmup, "plain warm-up").failures();
      failures += bridge(server, 2, concurrency, warmup, "bridge warm-up").failures();

      List<BridgeRunResult.LevelResult> levels = new ArrayList<>();
      int patient = 3;
      for (BridgeWorkload.Level level : workload.levels()) {
        int plainPatient = bridgeFirst ? patient + 1 : patient;
        int bridgePatient = bridgeFirst ? patient : patient + 1;
        patient += 2;
        String suffix = " c" + level.concurrency();
        PhaseResult plain = null;
        if (!bridgeFirst) {
          plain =
              plain(
                  fhir, plainPatient, level.concurrency(), level.measurements(), "plain" + suffix);
        }
        BridgePhase bridge =
            bridge(
                server,
                bridgePatient,
                level.concurrency(),
                level.measurements(),
                "bridge" + suffix);
        if (bridgeFirst) {
          plain =
              plain(
                  fhir, plainPatient, level.concurrency(), level.measurements(), "plain" + suffix);
        }
        server.requireRunning("storing readings");
        BridgeRunResult.LevelResult result =
            new BridgeRunResult.LevelResult(
                level.concurrency(), plain, bridge.ack(), bridge.endToEnd(), bridge.stored());
        System.err.printf(
            "  c%d: plain %.0f/s (p50 %.1f ms, p99 %.1f ms); bridge %.0f/s end to end, ack p50"
                + " %.1f ms, p99 %.1f ms%n",
            level.concurrency(),
            result.plainPerSecond(),
            plain.p50Millis(),
            plain.p99Millis(),
            result.bridgePerSecond(),
            bridge.ack().p50Millis(),
            bridge.ack().p99Millis());
        failures += plain.failures() + bridge.failures();
        levels.add(result);
      }
      return new BridgeRunResult(database, startup, levels, failures);
    }
  }

  /** The phase patients, each enrolled with the vendor under its OMH user id. */
  private PhaseResult enrolPatients(FhirEndpoint fhir) throws InterruptedException {
    BundleBuilder transaction = new BundleBuilder(FhirJson.context());
    transaction.setType("transaction");
    // The patients' managing organisation (the municipality whose nurses may see them).
    transaction.addTransactionUpdateEntry(SyntheticPopulation.municipality());
    for (int patient = 1; patient <= workload.patients(); patient++) {
      Patient resource = population.patient(patient);
      resource
          .addIdentifier()
          .setSystem(VENDOR_USER_SYSTEM + signer.vendor())
          .setValue(userId(patient));
      transaction.addTransactionUpdateEntry(resource);
    }
    String body = FhirJson.encode(transaction.getBundleTyped());
    return requests.run(
        "enrol patients", 1, 1, i -> fhir.transaction(body), ResponseCheck.status(200));
  }

  /** Single {@code POST /fhir/Observation}s; bodies are encoded before the clock starts. */
  private PhaseResult plain(
      FhirEndpoint fhir, int patient, int concurrency, int count, String phase)
      throws InterruptedException {
    RandomGenerator random = random(phase);
    List<String> bodies =
        IntStream.range(0, count)
            .mapToObj(i -> FhirJson.encode(population.recentReading(patient, random)))
            .toList();
    return requests.run(
        phase,
        concurrency,
        count,
        i -> fhir.post("Observation", bodies.get(i)),
        ResponseCheck.status(201));
  }

  /**
   * What the bridge phase measured: the acknowledgements, and how long until the {@code stored}
   * Observations were all searchable, counted from the first push; {@code missing} acknowledged
   * measurements never showed up.
   */
  private record BridgePhase(PhaseResult ack, Duration endToEnd, int stored, int missing) {
    int failures() {
      return ack.failures() + missing;
    }
  }

  /**
   * Signed Open mHealth pushes (each signed just before it is sent, within the replay window), then
   * the patient's Observation count polled until every acknowledged measurement is stored.
   */
  private BridgePhase bridge(
      ServerProcess server, int patient, int concurrency, int count, String phase)
      throws InterruptedException, ServerFailedException, IOException {
    RandomGenerator random = random(phase);
    List<byte[]> bodies =
        IntStream.range(0, count)
            .mapToObj(
                i ->
                    OpenMHealthDataPoint.of(
                            population.recentReading(patient, random), userId(patient))
                        .getBytes(StandardCharsets.UTF_8))
            .toList();
    String root = server.endpoint().root();
    long started = System.nanoTime();
    PhaseResult ack =
        requests.run(
            phase,
            concurrency,
            count,
            i -> signer.post(root, OPEN_MHEALTH_PATH, bodies.get(i), Instant.now()),
            ResponseCheck.status(202));
    int expected = count - ack.failures();
    Stored stored = awaitStored(server, patient, expected, phase);
    int missing = Math.max(0, expected - stored.count());
    if (missing > 0) {
      System.err.printf(
          "  [%s] %d of %d acknowledged measurements were not stored within %d s of the last"
              + " progress; see the server log%n",
          phase, missing, expected, workload.stallTimeout().toSeconds());
    }
    return new BridgePhase(
        ack, Duration.ofNanos(stored.atNanos() - started), stored.count(), missing);
  }

  /** How many Observations a patient had, and when that answer arrived. */
  private record Stored(int count, long atNanos) {}

  private Stored awaitStored(ServerProcess server, int patient, int expected, String phase)
      throws InterruptedException, ServerFailedException, IOException {
    String search =
        "Observation?subject="
            + URLEncoder.encode(
                "Patient/" + SyntheticPopulation.patientId(patient), StandardCharsets.UTF_8)
            + "&_summary=count";
    int last = -1;
    long lastProgress = System.nanoTime();
    while (true) {
      server.requireRunning("processing " + phase);
      HttpResponse<String> response =
          client.send(server.endpoint().get(search), HttpResponse.BodyHandlers.ofString());
      long now = System.nanoTime();
      if (response.statusCode() != 200) {
        throw new IOException(
            "counting " + phase + " Observations gave HTTP " + response.statusCode());
      }
      int count = FhirJson.parse(Bundle.class, response.body()).getTotal();
      if (count >= expected) {
        return new Stored(count, now);
      }
      if (count > last) {
        last = count;
        lastProgress = now;
      } else if (now - lastProgress > workload.stallTimeout().toNanos()) {
        return new Stored(count, lastProgress);
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
  }

  /** Per phase, so no two phases send identical readings. */
  private RandomGenerator random(String phase) {
    return new SplittableRandom(seed ^ phase.hashCode());
  }
}
