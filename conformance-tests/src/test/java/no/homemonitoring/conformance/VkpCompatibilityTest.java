package no.homemonitoring.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Our valid Observation examples also meet HL7 Norway's VKP profiles, read offline. */
class VkpCompatibilityTest {

  @TestFactory
  Stream<DynamicTest> everyValidObservationExampleMeetsItsVkpProfile() {
    VkpCompatibility vkp = Packages.vkpOrSkip();
    List<Examples.Example> observations =
        Examples.all().stream()
            .filter(e -> e.expectedValid() && e.profileId().startsWith("hm-observation"))
            .toList();
    assertThat(observations).hasSizeGreaterThanOrEqualTo(4);
    return observations.stream()
        .map(
            example ->
                DynamicTest.dynamicTest(
                    example.name(),
                    () -> {
                      IBaseResource resource =
                          FhirContext.forR4Cached().newJsonParser().parseResource(example.json());
                      assertThat(vkp.errors(resource)).as(example.name()).isEmpty();
                    }));
  }

  @Test
  void anObservationWithALocalPatientIdIsNotVkpConformant() {
    VkpCompatibility vkp = Packages.vkpOrSkip();
    Examples.Example bp =
        Examples.all().stream()
            .filter(e -> e.fileName().equals("valid-blood-pressure.json"))
            .findFirst()
            .orElseThrow();
    org.hl7.fhir.r4.model.Observation observation =
        FhirContext.forR4Cached()
            .newJsonParser()
            .parseResource(org.hl7.fhir.r4.model.Observation.class, bp.json());
    observation.getSubject().getIdentifier().setSystem("urn:oid:2.16.578.1.12.4.1.2.999");
    assertThat(vkp.errors(observation))
        .anySatisfy(m -> assertThat(m.getLocationString()).contains("subject.identifier"));
  }
}
