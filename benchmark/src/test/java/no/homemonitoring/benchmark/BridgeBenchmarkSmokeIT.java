package no.homemonitoring.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The device-bridge benchmark, run small against the server the build just made: every request of
 * both paths must succeed and every acknowledged measurement must be stored, so that a change to
 * the server (a new access rule, a required resource) cannot break the shipped benchmark unseen.
 * Figures from this run mean nothing; the README's command measures.
 */
class BridgeBenchmarkSmokeIT {

  @Test
  void aSmallRunOnH2StoresEveryMeasurementOfBothPaths() throws Exception {
    Path jar = Path.of("../fhir-server/target/server/fhir-server.jar");
    assertThat(jar).as("built by the fhir-server module's package phase").exists();
    Path report = Path.of("target/bridge-benchmark-smoke.md");
    int exit =
        new CommandLine(new BridgeBenchmark())
            .setCaseInsensitiveEnumValuesAllowed(true)
            .execute(
                "--server-jar",
                jar.toString(),
                "--runs",
                "1",
                "--databases",
                "h2",
                "--concurrency",
                "1,4",
                "--measurements",
                "10,24",
                "--warmup",
                "8",
                "--stall-timeout",
                "30",
                "--no-targets",
                "--report",
                report.toString());
    assertThat(exit).as("exit status (0: no failed request, no lost measurement)").isZero();
    assertThat(Files.readString(report)).contains("| 4 |", "Failed requests: 0");
  }
}
