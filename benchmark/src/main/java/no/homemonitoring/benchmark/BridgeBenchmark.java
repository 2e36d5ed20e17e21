package no.homemonitoring.benchmark;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Measures the device bridge's ingest API against plain FHIR POST in the same run, on H2 and on
 * PostgreSQL: can a vendor's pushes be stored at least as fast as the FHIR API stores the same
 * readings, and are they acknowledged quickly?
 */
@Command(
    name = "bridge-benchmark",
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "Starts the server jar on a fresh database (H2, PostgreSQL) and, at each concurrency, stores"
          + " distinct blood-pressure readings by plain POST /fhir/Observation and again as signed"
          + " Open mHealth pushes to POST /ingest/openmhealth, timing the bridge until every"
          + " measurement is a searchable Observation. Repeats on fresh servers, reports medians.",
      "The report goes to stdout and to --report; progress and failures go to stderr."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every request succeeded and every acknowledged measurement was stored",
      "1:a request failed, a measurement was not stored, or the benchmark broke off",
      "2:invalid options",
      "3:a server did not start or died during a run (its log is kept and its tail printed)"
    })
public final class BridgeBenchmark implements Callable<Integer> {

  private static final int REQUEST_FAILED = 1;
  private static final int SERVER_FAILED = 3;
  private static final ZoneId NORWAY = ZoneId.of("Europe/Oslo");
  private static final String VENDOR_NAME = "Bridge benchmark";

  @Spec private CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  private boolean help;

  @Option(
      names = "--server-jar",
      defaultValue = "fhir-server/target/server/fhir-server.jar",
      description =
          "Jar of the server under test: the extracted server the build makes (run in place, with"
              + " its class-data archive if there is one), or a Spring Boot fat jar (run from a"
              + " private copy).")
  private Path serverJar;

  @Option(
      names = "--jvm-options",
      defaultValue = ServerLaunch.README_JVM_OPTIONS,
      description = "JVM options for the server, one string split on spaces.")
  private String jvmOptions;

  @Option(
      names = "--server-args",
      defaultValue = "",
      description =
          "Extra server arguments, one string split on spaces (for example"
              + " --homemonitoring.ingest.workers=4).")
  private String serverArgs;

  @Option(
      names = "--databases",
      split = ",",
      defaultValue = "h2,postgresql",
      description = "Databases to measure on: h2, postgresql.")
  private List<Database> databases;

  @Option(
      names = "--concurrency",
      split = ",",
      defaultValue = "1,8,32",
      description = "Concurrency levels, each with its entry of --measurements.")
  private List<Integer> concurrency;

  @Option(
      names = "--measurements",
      split = ",",
      defaultValue = "300,1000,1000",
      description = "Readings per level and path (plain and bridge each send this many).")
  private List<Integer> measurements;

  @Option(
      names = "--warmup",
      defaultValue = "2000",
      description =
          "Unrecorded readings sent both ways at concurrency 8 before the first level. The JIT"
              + " compiler keeps a core busy for minutes after start; a shorter warm-up measures"
              + " that, not the server a vendor meets.")
  private int warmup;

  @Option(names = "--runs", defaultValue = "3", description = "Fresh servers per database.")
  private int runs;

  @Option(
      names = "--vendor",
      defaultValue = "bench",
      description =
          "Vendor id the benchmark pushes as (lower-case letters and digits); its HMAC secret is"
              + " made at start and given to the server through the environment.")
  private String vendor;

  @Option(
      names = "--stall-timeout",
      defaultValue = "60",
      description =
          "Seconds the bridge's stored count may stand still before a phase counts the missing"
              + " measurements as failed.")
  private int stallTimeoutSeconds;

  @Option(
      names = "--seed",
      defaultValue = "20250101",
      description = "Seed of the synthetic readings; the same seed gives the same data.")
  private long seed;

  @Option(
      names = "--report",
      defaultValue = "target/bridge-benchmark-report.md",
      description = "Markdown report file, relative to the working directory.")
  private Path report;

  @Option(
      names = "--client",
      defaultValue = "blocking",
      description =
          "HTTP client of the timed requests: blocking (Apache HttpClient classic, the calling"
              + " thread does the exchange) or jdk (java.net.http, which hands each exchange"
              + " between threads).")
  private Transport.Kind client;

  @Option(
      names = "--keep-data",
      description = "Keep each run's data directory and server log instead of deleting them.")
  private boolean keepData;

  @Option(
      names = "--targets",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Print PASS/FAIL against the targets (bridge end to end >= plain POST at every"
              + " concurrency, ack p99 < 50 ms at concurrency 8), checked on medians.")
  private boolean targets;

  public static void main(String[] args) {
    // Embedded PostgreSQL reports every line its initdb and server print; only problems matter.
    System.setProperty("org.slf4j.simpleLogger.log.io.zonky.test", "warn");
    CommandLine commandLine = new CommandLine(new BridgeBenchmark());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    System.exit(commandLine.execute(args));
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    validateOptions();
    return new ServerJar(serverJar).run(this::benchmark);
  }

  private int benchmark(Path jar) throws IOException, InterruptedException {
    Clock clock = Clock.system(NORWAY);
    String secret = VendorSigner.randomSecret();
    // Spring binds HOMEMONITORING_INGEST_VENDORS_<ID>_... to homemonitoring.ingest.vendors.<id>.
    String prefix = "HOMEMONITORING_INGEST_VENDORS_" + vendor.toUpperCase(Locale.ROOT);
    ServerLaunch launch =
        new ServerLaunch(
            "server",
            jar,
            new ServerJar(serverJar).jvmOptions(jvmOptions),
            ServerLaunch.split(serverArgs),
            Map.of(prefix + "_NAME", VENDOR_NAME, prefix + "_HMACSECRET", secret),
            keepData);
    BridgeWorkload workload =
        new BridgeWorkload(levels(), warmup, Duration.ofSeconds(stallTimeoutSeconds));
    HttpClient jdkClient =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    int connections = Math.max(BridgeWorkload.WARMUP_CONCURRENCY, Collections.max(concurrency));
    try (BlockingTransport blocking = new BlockingTransport(connections)) {
      Transport transport = client == Transport.Kind.BLOCKING ? blocking : Transport.jdk(jdkClient);
      return measure(
          launch, workload, new VendorSigner(vendor, secret), jdkClient, transport, clock);
    }
  }

  private int measure(
      ServerLaunch launch,
      BridgeWorkload workload,
      VendorSigner signer,
      HttpClient jdkClient,
      Transport transport,
      Clock clock)
      throws IOException, InterruptedException {
    BridgeRun run =
        new BridgeRun(
            jdkClient,
            transport,
            new SyntheticPopulation(workload.patients(), 1, seed, clock),
            workload,
            signer,
            seed);

    List<BridgeRunResult> results = new ArrayList<>();
    try {
      for (int i = 1; i <= runs; i++) {
        // Alternate the order of databases and of the two paths: the first of a pair measured
        // consistently worse on a 2-core machine.
        List<Database> order = new ArrayList<>(databases);
        if (i % 2 == 0) {
          Collections.reverse(order);
        }
        for (Database database : order) {
          System.err.printf("Run %d/%d, %s%n", i, runs, database.label());
          results.add(run.execute(launch, database, i % 2 == 0));
        }
      }
    } catch (ServerFailedException e) {
      ServerBenchmark.printServerFailure(e);
      return SERVER_FAILED;
    } catch (IOException e) {
      System.err.println("Benchmark broke off: " + e);
      return REQUEST_FAILED;
    }

    String markdown = new BridgeReport(settings(clock), databases, results, targets).markdown();
    System.out.print(markdown);
    Path reportFile = report.toAbsolutePath();
    Files.createDirectories(reportFile.getParent());
    Files.writeString(reportFile, markdown);
    System.err.println("Report written to " + reportFile);
    return results.stream().anyMatch(result -> result.failedRequests() > 0) ? REQUEST_FAILED : 0;
  }

  private List<BridgeWorkload.Level> levels() {
    return IntStream.range(0, concurrency.size())
        .mapToObj(i -> new BridgeWorkload.Level(concurrency.get(i), measurements.get(i)))
        .toList();
  }

  private void validateOptions() {
    if (!Files.isRegularFile(serverJar)) {
      throw usage("--server-jar: no such file: " + serverJar.toAbsolutePath());
    }
    if (concurrency.size() != measurements.size()) {
      throw usage(
          "--concurrency and --measurements need one entry each per level: "
              + concurrency
              + " vs "
              + measurements);
    }
    if (concurrency.stream().distinct().count() != concurrency.size()) {
      throw usage("--concurrency: each level once: " + concurrency);
    }
    if (databases.isEmpty() || databases.stream().distinct().count() != databases.size()) {
      throw usage("--databases: each database once: " + databases);
    }
    if (!vendor.matches("[a-z0-9]+")) {
      // Other characters do not survive the environment variable the secret is given in.
      throw usage("--vendor must be lower-case letters and digits, was " + vendor);
    }
    concurrency.forEach(value -> requireAtLeast("--concurrency", value, 1));
    measurements.forEach(value -> requireAtLeast("--measurements", value, 1));
    requireAtLeast("--warmup", warmup, 0);
    requireAtLeast("--runs", runs, 1);
    requireAtLeast("--stall-timeout", stallTimeoutSeconds, 1);
  }

  private void requireAtLeast(String option, int value, int minimum) {
    if (value < minimum) {
      throw usage(option + " must be at least " + minimum + ", was " + value);
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private List<String> settings(Clock clock) throws IOException {
    List<String> settings = new ArrayList<>();
    settings.add("Date: " + ZonedDateTime.now(clock).format(DateTimeFormatter.RFC_1123_DATE_TIME));
    settings.add(
        "Server jar: `" + serverJar + "`, modified " + Files.getLastModifiedTime(serverJar));
    settings.add("JVM options: `" + jvmOptions + "`");
    settings.add(
        "Class-data archive: "
            + new ServerJar(serverJar)
                .classDataArchive()
                .map(archive -> "`" + archive + "`")
                .orElse("none"));
    settings.add("Server args: " + ServerBenchmark.inlineCode(serverArgs));
    settings.add(
        "Server environment: `"
            + ServerProcess.MALLOC_ARENA_MAX
            + "="
            + ServerProcess.mallocArenaMax()
            + "`, vendor `"
            + vendor
            + "` with an HMAC-SHA256 secret made for this benchmark");
    settings.add(
        "Databases: "
            + databases.stream().map(Database::label).collect(Collectors.joining(", "))
            + " (h2: the server's file database in a fresh data directory; postgresql: the"
            + " `postgres` profile on a fresh embedded PostgreSQL cluster per run,"
            + " synchronous_commit=on)");
    settings.add(
        "Levels: "
            + levels().stream()
                .map(
                    level ->
                        level.measurements() + " readings at concurrency " + level.concurrency())
                .collect(Collectors.joining(", "))
            + ", each sent by plain POST and through the bridge, to one fresh patient per phase");
    settings.add(
        String.format(
            "Warm-up: %d readings each way at concurrency %d; bridge stored count polled every"
                + " %d ms; seed %d",
            warmup, BridgeWorkload.WARMUP_CONCURRENCY, BridgeRun.POLL_INTERVAL.toMillis(), seed));
    settings.add("Client of the timed requests: " + client.label);
    settings.add(
        String.format(
            "Machine: %d CPUs, Java %s (%s)",
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"),
            System.getProperty("os.name")));
    return settings;
  }
}
