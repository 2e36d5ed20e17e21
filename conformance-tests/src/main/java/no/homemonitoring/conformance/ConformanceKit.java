package no.homemonitoring.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Command line: {@code java -cp ... no.homemonitoring.conformance.ConformanceKit <base-url>
 * [report.md]}, with {@code -Dconformance.packages=<folder>} for the VKP check and {@code
 * -Dconformance.bearerToken=<access token>} (or the environment variable {@code
 * CONFORMANCE_BEARER_TOKEN}) for a server that needs one. Exit code 0 when every check passes.
 */
public final class ConformanceKit {

  private ConformanceKit() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: ConformanceKit <fhir-base-url> [report.md]");
      System.exit(2);
    }
    Path report = Path.of(args.length > 1 ? args[1] : "conformance-report.md");
    List<ConformanceSuite.Check> checks = run(args[0], report);
    long failed = checks.stream().filter(c -> !c.passed()).count();
    System.out.printf(
        "%d checks, %d failed; report: %s%n", checks.size(), failed, report.toAbsolutePath());
    System.exit(failed == 0 ? 0 : 1);
  }

  /** Runs the suite against {@code baseUrl} and writes the Markdown report. */
  public static List<ConformanceSuite.Check> run(String baseUrl, Path report) throws IOException {
    String token =
        System.getProperty("conformance.bearerToken", System.getenv("CONFORMANCE_BEARER_TOKEN"));
    return run(baseUrl, report, token == null || token.isBlank() ? null : token);
  }

  /** Runs the suite with {@code bearerToken} (null: none) on every request. */
  public static List<ConformanceSuite.Check> run(String baseUrl, Path report, String bearerToken)
      throws IOException {
    Optional<VkpCompatibility> vkp =
        FhirPackages.configuredFolder().flatMap(VkpCompatibility::load);
    List<ConformanceSuite.Check> checks = new ConformanceSuite(baseUrl, vkp, bearerToken).run();
    if (report.toAbsolutePath().getParent() != null) {
      Files.createDirectories(report.toAbsolutePath().getParent());
    }
    Files.writeString(report, ConformanceReport.markdown(baseUrl, checks));
    return checks;
  }
}
