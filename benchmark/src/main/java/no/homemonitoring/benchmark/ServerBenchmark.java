package no.homemonitoring.benchmark;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Measures the packaged server the way a municipality would run it: cold, on one small VM. */
@Command(
    name = "server-benchmark",
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "Starts the server jar on a fresh, empty data directory, loads a synthetic population of"
          + " blood-pressure readings and measures startup, load, memory, the nurse's search,"
          + " reads and single-Observation ingest. Repeats on fresh servers and reports medians.",
      "The report goes to stdout and to --report; progress and failures go to stderr."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every request succeeded",
      "1:a request failed or the benchmark broke off",
      "2:invalid options",
      "3:a server did not start or died during a run (its log is kept and its tail printed)"
    })
public final class ServerBenchmark implements Callable<Integer> {

  private static final int REQUEST_FAILED = 1;
  private static final int SERVER_FAILED = 3;
  private static final int LOG_TAIL_LINES = 40;
  private static final ZoneId NORWAY = ZoneId.of("Europe/Oslo");
  private static final String VALIDATION_OFF = "--homemonitoring.validation.enabled=false";

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
              + " its class-data archive fhir-server.jsa next to it, as README command 1 starts"
              + " it), or a Spring Boot fat jar (run from a private copy).")
  private Path serverJar;

  @Option(
      names = "--jvm-options",
      defaultValue = ServerLaunch.README_JVM_OPTIONS,
      description = "JVM options for the server, one string split on spaces.")
  private String jvmOptions;

  @Option(
      names = "--server-args",
      defaultValue = "",
      description = "Extra server arguments, one string split on spaces.")
  private String serverArgs;

  @Option(
      names = "--compare-server-args",
      description =
          "If given, every run also starts a second server with these extra arguments instead of"
              + " --server-args (for example a stock HAPI configuration) and the report shows both"
              + " side by side.")
  private String compareServerArgs;

  @Option(
      names = "--validation-cost",
      description =
          "Compare with the same server with profile validation switched off"
              + " (--homemonitoring.validation.enabled=false) and report what validation adds to"
              + " an Observation POST, against the target: less than half of the write.")
  private boolean validationCost;

  @Option(names = "--runs", defaultValue = "3", description = "Fresh servers to measure.")
  private int runs;

  @Option(names = "--patients", defaultValue = "100", description = "Synthetic patients.")
  private int patients;

  @Option(
      names = "--readings",
      defaultValue = "300",
      description = "Blood-pressure readings per patient, two a day back from yesterday.")
  private int readings;

  @Option(names = "--queries", defaultValue = "2000", description = "Recorded nurse queries.")
  private int queries;

  @Option(
      names = "--warmup-queries",
      defaultValue = "300",
      description = "Unrecorded nurse queries (and reads) before the recorded ones.")
  private int warmupQueries;

  @Option(
      names = "--query-concurrency",
      defaultValue = "8",
      description = "Concurrent clients for nurse queries and reads.")
  private int queryConcurrency;

  @Option(
      names = "--ingest-c1",
      defaultValue = "300",
      description = "Single-Observation POSTs at concurrency 1.")
  private int ingestAtConcurrency1;

  @Option(
      names = "--ingest-c8",
      defaultValue = "1000",
      description = "Single-Observation POSTs at concurrency 8.")
  private int ingestAtConcurrency8;

  @Option(
      names = "--seed",
      defaultValue = "20250101",
      description = "Seed of the synthetic population; the same seed gives the same data.")
  private long seed;

  @Option(
      names = "--report",
      defaultValue = "target/benchmark-report.md",
      description = "Markdown report file, relative to the working directory.")
  private Path report;

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
          "Print PASS/FAIL against the targets (nurse query p95 < 20 ms, startup < 25 s, RSS"
              + " after load < 1024 MiB), checked on medians.")
  private boolean targets;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ServerBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    validateOptions();
    return new ServerJar(serverJar).run(this::benchmark);
  }

  private int benchmark(Path jar) throws IOException, InterruptedException {
    Clock clock = Clock.system(NORWAY);
    ServerLaunch server = launch("server", jar, serverArgs);
    String compareArgs = compareArgs();
    ServerLaunch compare = compareArgs == null ? null : launch("compare", jar, compareArgs);
    BenchmarkRun run =
        new BenchmarkRun(
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build(),
            new SyntheticPopulation(patients, readings, seed, clock),
            new Workload(
                queries,
                warmupQueries,
                queryConcurrency,
                ingestAtConcurrency1,
                ingestAtConcurrency8),
            clock,
            seed);

    List<RunResult> serverResults = new ArrayList<>();
    List<RunResult> compareResults = new ArrayList<>();
    try {
      for (int i = 1; i <= runs; i++) {
        // Alternate which server goes first: the first server of a run measured consistently
        // worse (a warming client, the machine's state), which would otherwise always hit the
        // server under test.
        boolean compareFirst = compare != null && i % 2 == 0;
        if (compareFirst) {
          compareResults.add(measure(run, compare, i));
        }
        serverResults.add(measure(run, server, i));
        if (compare != null && !compareFirst) {
          compareResults.add(measure(run, compare, i));
        }
      }
    } catch (ServerFailedException e) {
      printServerFailure(e);
      return SERVER_FAILED;
    } catch (IOException e) {
      System.err.println("Benchmark broke off: " + e);
      return REQUEST_FAILED;
    }

    BenchmarkReport benchmarkReport =
        new BenchmarkReport(
            settings(clock), serverResults, compareResults, targets, validationCost);
    String markdown = benchmarkReport.markdown();
    System.out.print(markdown);
    Path reportFile = report.toAbsolutePath();
    Files.createDirectories(reportFile.getParent());
    Files.writeString(reportFile, markdown);
    System.err.println("Report written to " + reportFile);

    boolean anyFailed =
        serverResults.stream().anyMatch(result -> result.failedRequests() > 0)
            || compareResults.stream().anyMatch(result -> result.failedRequests() > 0);
    return anyFailed ? REQUEST_FAILED : 0;
  }

  private RunResult measure(BenchmarkRun run, ServerLaunch launch, int number)
      throws IOException, InterruptedException, ServerFailedException {
    System.err.printf(
        "Run %d/%d, %s, server args: %s%n",
        number, runs, launch.label(), inlineCode(String.join(" ", launch.serverArgs())));
    return run.execute(launch);
  }

  /** The compare server's arguments, or null when there is no compare server. */
  private String compareArgs() {
    return validationCost ? (serverArgs + " " + VALIDATION_OFF).strip() : compareServerArgs;
  }

  private ServerLaunch launch(String label, Path jar, String extraServerArgs) {
    return new ServerLaunch(
        label,
        jar,
        new ServerJar(serverJar).jvmOptions(jvmOptions),
        ServerLaunch.split(extraServerArgs),
        keepData);
  }

  private void validateOptions() {
    if (!Files.isRegularFile(serverJar)) {
      throw usage("--server-jar: no such file: " + serverJar.toAbsolutePath());
    }
    if (validationCost && compareServerArgs != null) {
      throw usage("--validation-cost chooses the compare server; drop --compare-server-args");
    }
    if (validationCost && ingestAtConcurrency1 < 1) {
      throw usage("--validation-cost measures the concurrency-1 ingest: --ingest-c1 must be > 0");
    }
    requireAtLeast("--runs", runs, 1);
    requireAtLeast("--patients", patients, 1);
    requireAtLeast("--readings", readings, 1);
    requireAtLeast("--queries", queries, 1);
    requireAtLeast("--warmup-queries", warmupQueries, 0);
    requireAtLeast("--query-concurrency", queryConcurrency, 1);
    requireAtLeast("--ingest-c1", ingestAtConcurrency1, 0);
    requireAtLeast("--ingest-c8", ingestAtConcurrency8, 0);
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
        "Server environment: `"
            + ServerProcess.MALLOC_ARENA_MAX
            + "="
            + ServerProcess.mallocArenaMax()
            + "`");
    settings.add(
        "Class-data archive: "
            + new ServerJar(serverJar)
                .classDataArchive()
                .map(archive -> "`" + archive + "`")
                .orElse("none"));
    settings.add("Server args: " + inlineCode(serverArgs));
    if (compareArgs() != null) {
      settings.add(
          "Compare server args: "
              + inlineCode(compareArgs())
              + (validationCost ? " (validation cost)" : ""));
    }
    settings.add(
        String.format(
            "Population: %d patients × %d blood-pressure readings = %d Observations (seed %d)",
            patients, readings, patients * readings, seed));
    settings.add(
        String.format(
            "Nurse queries and reads: %d recorded after %d warm-up, concurrency %d",
            queries, warmupQueries, queryConcurrency));
    settings.add(
        String.format(
            "Ingest: %d POSTs at concurrency 1, %d at concurrency 8, after %d warm-up",
            ingestAtConcurrency1, ingestAtConcurrency8, BenchmarkRun.INGEST_WARMUP));
    settings.add(
        String.format(
            "Machine: %d CPUs, Java %s (%s)",
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"),
            System.getProperty("os.name")));
    return settings;
  }

  static String inlineCode(String text) {
    return text.isBlank() ? "(none)" : "`" + text + "`";
  }

  static void printServerFailure(ServerFailedException e) throws IOException {
    System.err.println("Server failed: " + e.getMessage());
    System.err.println("Server log: " + e.log());
    if (Files.exists(e.log())) {
      List<String> lines =
          new String(Files.readAllBytes(e.log()), StandardCharsets.UTF_8).lines().toList();
      System.err.println("Last " + LOG_TAIL_LINES + " lines:");
      lines
          .subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())
          .forEach(System.err::println);
    }
  }
}
