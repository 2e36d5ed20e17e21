package no.homemonitoring.benchmark;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Bundle;

/** One run: start a fresh server, load it, measure it, stop it. */
final class BenchmarkRun {

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
  private static final int LOAD_CONCURRENCY = 2;
  static final int INGEST_WARMUP = 50;
  private static final int INGEST_CONCURRENCY = 8;
  private static final int NURSE_QUERY_DAYS = 30;
  private static final int NURSE_PAGE_SIZE = 50;

  private final HttpClient client;
  private final ConcurrentRequests requests;
  private final SyntheticPopulation population;
  private final Workload workload;
  private final Clock clock;
  private final long seed;

  BenchmarkRun(
      HttpClient client,
      SyntheticPopulation population,
      Workload workload,
      Clock clock,
      long seed) {
    this.client = client;
    this.requests = new ConcurrentRequests(Transport.jdk(client));
    this.population = population;
    this.workload = workload;
    this.clock = clock;
    this.seed = seed;
  }

  RunResult execute(ServerLaunch launch)
      throws IOException, InterruptedException, ServerFailedException {
    try (ServerProcess server = ServerProcess.start(launch)) {
      System.err.printf(
          "  started %s (pid %d), log %s%n",
          launch.jar().getFileName(), server.pid(), server.log());
      Duration startup = server.awaitReady(client, STARTUP_TIMEOUT);
      System.err.printf("  ready after %.1f s%n", startup.toMillis() / 1000.0);
      FhirEndpoint fhir = server.endpoint();

      PhaseResult patients = loadPatients(fhir);
      PhaseResult observations = loadObservations(fhir);
      double observationsPerSecond =
          (double) population.patients() * population.readingsPerPatient() / observations.seconds();
      System.err.printf("  loaded at %.0f Observations/s%n", observationsPerSecond);
      server.requireRunning("loading");

      ProcessMemory memory = ProcessMemory.of(server.pid());
      System.err.printf(
          "  RSS %.0f MiB (peak %.0f MiB)%n",
          memory.residentMebibytes(), memory.peakResidentMebibytes());

      PhaseResult nurseWarmup = nurseQueries(fhir, workload.warmupQueries(), "nurse query warm-up");
      PhaseResult nurseQuery = nurseQueries(fhir, workload.queries(), "nurse query");
      printLatency("nurse query", nurseQuery);
      server.requireRunning("answering nurse queries");

      List<String> observationIds = observationIdsOfFirstPatient(fhir);
      PhaseResult readWarmup =
          reads(fhir, observationIds, workload.warmupQueries(), "read warm-up");
      PhaseResult read = reads(fhir, observationIds, workload.queries(), "read");
      printLatency("read", read);

      PhaseResult ingestWarmup = ingest(fhir, 1, INGEST_WARMUP, "ingest warm-up");
      ServerTimer validationBefore = ServerTimer.read(client, fhir, ServerTimer.VALIDATION);
      PhaseResult ingest1 = ingest(fhir, 1, workload.ingestAtConcurrency1(), "ingest c1");
      double validationMillis =
          ServerTimer.read(client, fhir, ServerTimer.VALIDATION)
              .millisPerEventSince(validationBefore);
      printLatency("ingest c1", ingest1);
      System.err.printf(
          "  validation inside the server: %.2f ms per Observation%n", validationMillis);
      PhaseResult ingest8 =
          ingest(fhir, INGEST_CONCURRENCY, workload.ingestAtConcurrency8(), "ingest c8");
      printLatency("ingest c8", ingest8);
      server.requireRunning("ingesting");

      int failures =
          List.of(
                  patients,
                  observations,
                  nurseWarmup,
                  nurseQuery,
                  readWarmup,
                  read,
                  ingestWarmup,
                  ingest1,
                  ingest8)
              .stream()
              .mapToInt(PhaseResult::failures)
              .sum();
      return new RunResult(
          startup,
          observationsPerSecond,
          memory,
          nurseQuery,
          read,
          ingest1,
          ingest8,
          validationMillis,
          failures);
    }
  }

  private PhaseResult loadPatients(FhirEndpoint fhir) throws InterruptedException {
    String transaction = FhirJson.encode(population.patientTransaction());
    return requests.run(
        "load patients", 1, 1, i -> fhir.transaction(transaction), ResponseCheck.status(200));
  }

  /**
   * One transaction per patient, built on the worker thread so 30 000 readings never sit in memory.
   */
  private PhaseResult loadObservations(FhirEndpoint fhir) throws InterruptedException {
    return requests.run(
        "load observations",
        LOAD_CONCURRENCY,
        population.patients(),
        i -> fhir.transaction(FhirJson.encode(population.observationTransaction(i + 1))),
        ResponseCheck.status(200));
  }

  /** What a nurse's overview asks for: one patient's blood pressure over the last 30 days. */
  private PhaseResult nurseQueries(FhirEndpoint fhir, int count, String phase)
      throws InterruptedException {
    LocalDate today = LocalDate.now(clock);
    String criteria =
        "&code="
            + encode(SyntheticPopulation.LOINC + "|" + SyntheticPopulation.BLOOD_PRESSURE_PANEL)
            + "&date=ge"
            + today.minusDays(NURSE_QUERY_DAYS)
            + "&date=le"
            + today
            + "&_sort=-date&_count="
            + NURSE_PAGE_SIZE;
    return requests.run(
        phase,
        workload.queryConcurrency(),
        count,
        i ->
            fhir.getAsNurse(
                "Observation?patient=" + encode("Patient/" + randomPatientId()) + criteria),
        ResponseCheck.status(200).and(ResponseCheck.bundleWithEntries()));
  }

  private PhaseResult reads(FhirEndpoint fhir, List<String> ids, int count, String phase)
      throws InterruptedException {
    return requests.run(
        phase,
        workload.queryConcurrency(),
        count,
        i ->
            fhir.getAsNurse(
                "Observation/" + ids.get(ThreadLocalRandom.current().nextInt(ids.size()))),
        ResponseCheck.status(200));
  }

  /**
   * Bodies are built before the clock starts so the throughput is the server's, not the JSON
   * encoder's; the seed differs per phase so no two phases post identical readings.
   */
  private PhaseResult ingest(FhirEndpoint fhir, int concurrency, int count, String phase)
      throws InterruptedException {
    RandomGenerator random = new SplittableRandom(seed ^ phase.hashCode());
    List<String> bodies =
        IntStream.range(0, count)
            .mapToObj(i -> FhirJson.encode(population.recentReading(random)))
            .toList();
    return requests.run(
        phase,
        concurrency,
        count,
        i -> fhir.post("Observation", bodies.get(i)),
        ResponseCheck.status(201));
  }

  /** Reads need ids the server assigned; asking for them also shows the load really landed. */
  private List<String> observationIdsOfFirstPatient(FhirEndpoint fhir)
      throws IOException, InterruptedException {
    HttpRequest search =
        fhir.get(
            "Observation?patient="
                + encode("Patient/" + SyntheticPopulation.patientId(1))
                + "&_count=100");
    HttpResponse<String> response = client.send(search, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("searching the loaded Observations gave HTTP " + response.statusCode());
    }
    List<String> ids =
        FhirJson.parse(Bundle.class, response.body()).getEntry().stream()
            .map(entry -> entry.getResource().getIdElement().getIdPart())
            .toList();
    if (ids.isEmpty()) {
      throw new IOException("no Observations found for " + SyntheticPopulation.patientId(1));
    }
    return ids;
  }

  private String randomPatientId() {
    return SyntheticPopulation.patientId(
        ThreadLocalRandom.current().nextInt(1, population.patients() + 1));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static void printLatency(String phase, PhaseResult result) {
    System.err.printf(
        "  %s: %.0f/s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms%n",
        phase,
        result.requestsPerSecond(),
        result.p50Millis(),
        result.p95Millis(),
        result.p99Millis());
  }
}
