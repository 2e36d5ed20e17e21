package no.homemonitoring.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.homemonitoring.conformance.FhirPackages;
import no.homemonitoring.conformance.VkpCompatibility;
import no.homemonitoring.profiles.ProfileValidator;
import no.homemonitoring.profiles.Profiles;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The demo population is what the system produces today: one resource of each profiled kind meets
 * our profile, and each kind of Observation also meets HL7 Norway's VKP profile.
 */
class DemoConformanceTest {

  static final FhirContext FHIR = FhirContext.forR4Cached();

  /** One resource per profile (the first the population holds). */
  static final Map<String, Resource> ONE_PER_PROFILE = onePerProfile();

  static Map<String, Resource> onePerProfile() {
    Map<String, Resource> result = new LinkedHashMap<>();
    for (Bundle bundle :
        new DemoPopulation(FHIR, 20, 30, LocalDate.of(2026, 11, 23)).transactions()) {
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        Profiles.profileFor(entry.getResource())
            .ifPresent(profile -> result.putIfAbsent(profile, entry.getResource()));
      }
    }
    return result;
  }

  @Test
  void everyProfiledKindOfDemoResourceMeetsItsProfile() {
    assertThat(ONE_PER_PROFILE).hasSize(9);
    ProfileValidator validator = ProfileValidator.create();
    ONE_PER_PROFILE.forEach(
        (profile, resource) ->
            assertThat(
                    validator.validate(resource, profile).getMessages().stream()
                        .filter(
                            m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                        .map(m -> m.getLocationString() + " " + m.getMessage())
                        .toList())
                .as(profile)
                .isEmpty());
  }

  @Test
  void everyKindOfDemoObservationMeetsItsVkpProfile() {
    Optional<VkpCompatibility> vkp =
        FhirPackages.configuredFolder().filter(Files::isDirectory).flatMap(VkpCompatibility::load);
    if (vkp.isEmpty()) {
      String message = "The VKP package is not available. " + FhirPackages.howToProvide();
      assertThat("true".equalsIgnoreCase(System.getenv("CI"))).as(message).isFalse();
      Assumptions.abort(message);
    }
    List<Resource> observations =
        ONE_PER_PROFILE.values().stream()
            .filter(r -> VkpCompatibility.vkpProfileFor(r).isPresent())
            .toList();
    assertThat(observations).hasSize(4);
    for (Resource observation : observations) {
      assertThat(vkp.get().errors(observation))
          .as(observation.getIdElement().getIdPart())
          .isEmpty();
    }
  }
}
