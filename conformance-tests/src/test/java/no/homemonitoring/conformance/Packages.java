package no.homemonitoring.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** Test helper: the VKP package, or a skip (a failure under CI) with how to provide it. */
final class Packages {

  private Packages() {}

  static VkpCompatibility vkpOrSkip() {
    Optional<Path> folder = FhirPackages.configuredFolder();
    Optional<VkpCompatibility> vkp =
        folder.filter(Files::isDirectory).flatMap(VkpCompatibility::load);
    if (vkp.isEmpty()) {
      String message = "The VKP package is not available. " + FhirPackages.howToProvide();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        assertThat(vkp).as(message).isPresent();
      }
      Assumptions.abort(message);
    }
    return vkp.get();
  }
}
