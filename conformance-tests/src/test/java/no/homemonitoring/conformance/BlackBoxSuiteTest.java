package no.homemonitoring.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The black-box suite against a server of your choice: {@code ./mvnw -pl conformance-tests test
 * -Dconformance.baseUrl=https://.../fhir}. (Against this project's own server it runs in the
 * fhir-server integration tests.)
 */
class BlackBoxSuiteTest {

  @Test
  void theServerAtTheGivenBaseUrlPassesEveryCheck() throws Exception {
    String baseUrl = System.getProperty("conformance.baseUrl", "");
    Assumptions.assumeFalse(baseUrl.isBlank(), "no -Dconformance.baseUrl given");
    Path report = Path.of(System.getProperty("conformance.report", "target/conformance-report.md"));
    List<ConformanceSuite.Check> checks = ConformanceKit.run(baseUrl, report);
    assertThat(checks.stream().filter(c -> !c.passed()).toList())
        .as("failed checks (report: %s)", report.toAbsolutePath())
        .isEmpty();
  }
}
