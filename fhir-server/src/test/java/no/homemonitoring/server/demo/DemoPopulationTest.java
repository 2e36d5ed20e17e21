package no.homemonitoring.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class DemoPopulationTest {

  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final LocalDate TODAY = LocalDate.of(2026, 11, 23);

  List<Bundle> population = new DemoPopulation(FHIR, 20, 30, TODAY).transactions();

  @Test
  void sameDayGivesTheSameResources() {
    List<Bundle> again = new DemoPopulation(FHIR, 20, 30, TODAY).transactions();

    assertThat(again).hasSameSizeAs(population);
    for (int i = 0; i < population.size(); i++) {
      assertThat(FHIR.newJsonParser().encodeResourceToString(again.get(i)))
          .isEqualTo(FHIR.newJsonParser().encodeResourceToString(population.get(i)));
    }
  }

  @Test
  void everyResourceHasAUniqueClientAssignedIdAndIsWrittenByPut() {
    Set<String> ids = new HashSet<>();
    population.stream()
        .flatMap(bundle -> bundle.getEntry().stream())
        .forEach(
            entry -> {
              assertThat(entry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
              assertThat(ids.add(entry.getRequest().getUrl()))
                  .as(entry.getRequest().getUrl())
                  .isTrue();
            });
  }

  @Test
  void patientsHaveValidSyntheticNationalIds() {
    List<Patient> patients = resources(Patient.class).toList();

    assertThat(patients).hasSize(20);
    patients.forEach(
        patient -> {
          String fnr = patient.getIdentifierFirstRep().getValue();
          assertThat(SyntheticNationalId.hasValidCheckDigits(fnr)).as(fnr).isTrue();
          assertThat(Integer.parseInt(fnr.substring(2, 4))).as("synthetic month").isGreaterThan(80);
        });
  }

  @Test
  void seriesHaveGapsAndSomeAbnormalValues() {
    List<Observation> observations = resources(Observation.class).toList();
    long complete = 20L * 30 * 5;

    assertThat(observations.size())
        .isLessThan((int) complete)
        .isGreaterThan((int) (complete * 0.8));
    assertThat(observations)
        .anySatisfy(o -> assertThat(systolic(o)).isGreaterThan(160))
        .anySatisfy(
            o -> {
              assertThat(o.getCode().getCodingFirstRep().getCode()).isEqualTo("59408-5");
              assertThat(o.getValueQuantity().getValue().doubleValue()).isLessThan(90);
            });
  }

  @Test
  void someRelativesHaveConsentsAndOneWasWithdrawn() {
    List<Consent> consents = resources(Consent.class).toList();

    assertThat(consents).hasSizeGreaterThanOrEqualTo(4);
    assertThat(consents).anyMatch(c -> c.getStatus() == Consent.ConsentState.INACTIVE);
    assertThat(consents).anyMatch(c -> !c.getProvision().getProvision().isEmpty());
  }

  private static double systolic(Observation observation) {
    return observation.getComponent().stream()
        .filter(c -> c.getCode().getCodingFirstRep().getCode().equals("8480-6"))
        .mapToDouble(c -> c.getValueQuantity().getValue().doubleValue())
        .findFirst()
        .orElse(0);
  }

  private <T extends Resource> Stream<T> resources(Class<T> type) {
    return population.stream()
        .flatMap(bundle -> bundle.getEntry().stream())
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(type::isInstance)
        .map(type::cast);
  }
}
