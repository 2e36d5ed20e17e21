package no.homemonitoring.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import no.homemonitoring.profiles.ProfileValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;

class SyntheticPopulationTest {

  private static final Instant NOW = Instant.parse("2025-06-15T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneId.of("Europe/Oslo"));

  private final SyntheticPopulation population = new SyntheticPopulation(20, 300, 7, CLOCK);

  @Test
  void patientsArePutUnderFixedIdsWithDistinctSyntheticNationalIds() {
    Bundle transaction = roundTrip(population.patientTransaction());

    assertThat(transaction.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
    // The municipality first (the nurse's organisation), then the patients it manages.
    assertThat(transaction.getEntry()).hasSize(21);
    assertThat(transaction.getEntry().get(0).getRequest().getUrl())
        .isEqualTo("Organization/" + SyntheticPopulation.MUNICIPALITY_ID);
    for (int i = 1; i <= 20; i++) {
      BundleEntryComponent entry = transaction.getEntry().get(i);
      assertThat(entry.getRequest().getMethod()).isEqualTo(HTTPVerb.PUT);
      assertThat(entry.getRequest().getUrl()).isEqualTo("Patient/bench-p" + i);
      assertThat(((Patient) entry.getResource()).getManagingOrganization().getReference())
          .isEqualTo("Organization/" + SyntheticPopulation.MUNICIPALITY_ID);
    }
    List<Identifier> nationalIds =
        transaction.getEntry().stream()
            .skip(1)
            .map(entry -> ((Patient) entry.getResource()).getIdentifierFirstRep())
            .toList();
    assertThat(nationalIds)
        .allSatisfy(
            identifier -> {
              assertThat(identifier.getSystem()).isEqualTo(SyntheticNationalId.SYSTEM);
              assertThat(identifier.getValue()).matches("\\d{11}");
              assertThat(Integer.parseInt(identifier.getValue().substring(2, 4))).isGreaterThan(80);
            });
    assertThat(nationalIds.stream().map(Identifier::getValue)).doesNotHaveDuplicates();
  }

  @Test
  void observationsArePostedAsBloodPressurePanelsOfOnePatient() {
    Bundle transaction = roundTrip(population.observationTransaction(3));

    assertThat(transaction.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
    assertThat(transaction.getEntry()).hasSize(300);
    for (BundleEntryComponent entry : transaction.getEntry()) {
      assertThat(entry.getRequest().getMethod()).isEqualTo(HTTPVerb.POST);
      assertThat(entry.getRequest().getUrl()).isEqualTo("Observation");
      assertIsBloodPressure((Observation) entry.getResource(), "Patient/bench-p3");
    }
  }

  @Test
  void readingsAreTwiceADayOverTheLast150DaysAndNeverInTheFuture() {
    List<Instant> measured =
        population.observationTransaction(1).getEntry().stream()
            .map(entry -> ((Observation) entry.getResource()).getEffectiveDateTimeType())
            .map(dateTime -> dateTime.getValue().toInstant())
            .toList();

    assertThat(measured).allMatch(instant -> instant.isBefore(NOW));
    assertThat(measured).allMatch(instant -> instant.isAfter(NOW.minus(152, ChronoUnit.DAYS)));
    assertThat(measured.stream().filter(instant -> instant.isAfter(NOW.minus(30, ChronoUnit.DAYS))))
        .hasSizeBetween(56, 60);
  }

  @Test
  void sameSeedGivesTheSameReadings() {
    SyntheticPopulation again = new SyntheticPopulation(20, 300, 7, CLOCK);

    assertThat(FhirJson.encode(again.observationTransaction(5)))
        .isEqualTo(FhirJson.encode(population.observationTransaction(5)));
  }

  @Test
  void recentReadingsAreFromTheLastTwelveHours() {
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 50; i++) {
      Observation reading = roundTrip(population.recentReading(random));

      assertIsBloodPressure(reading, reading.getSubject().getReference());
      assertThat(reading.getSubject().getReference()).matches("Patient/bench-p([1-9]|1\\d|20)");
      assertThat(reading.getEffectiveDateTimeType().getValue().toInstant())
          .isBetween(NOW.minus(12, ChronoUnit.HOURS), NOW);
    }
  }

  @Test
  void everyPatientAndReadingMeetsTheServersProfiles() {
    ProfileValidator validator = ProfileValidator.create();
    List<IBaseResource> resources = new ArrayList<>();
    population.patientTransaction().getEntry().stream()
        .limit(3)
        .forEach(entry -> resources.add(entry.getResource()));
    population.observationTransaction(2).getEntry().stream()
        .limit(3)
        .forEach(entry -> resources.add(entry.getResource()));
    resources.add(population.recentReading(new SplittableRandom(3)));
    for (IBaseResource resource : resources) {
      ValidationResult result = validator.validate(roundTrip(resource));
      assertThat(
              result.getMessages().stream()
                  .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                  .map(m -> m.getLocationString() + ": " + m.getMessage()))
          .as(FhirJson.encode(resource))
          .isEmpty();
    }
  }

  @Test
  void readingsCarryTheirPatientsNationalIdAndAnIdempotencyKey() {
    Bundle patients = population.patientTransaction();
    Observation reading =
        (Observation) population.observationTransaction(4).getEntry().get(0).getResource();

    assertThat(reading.getSubject().getIdentifier().getValue())
        .isEqualTo(
            ((Patient) patients.getEntry().get(4).getResource())
                .getIdentifierFirstRep()
                .getValue());
    List<String> keys =
        population.observationTransaction(4).getEntry().stream()
            .map(entry -> ((Observation) entry.getResource()).getIdentifierFirstRep().getValue())
            .toList();
    assertThat(keys).doesNotHaveDuplicates().allMatch(key -> key.startsWith("urn:uuid:"));
  }

  private static void assertIsBloodPressure(Observation observation, String subject) {
    assertThat(observation.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);
    assertThat(observation.getSubject().getReference()).isEqualTo(subject);
    assertThat(observation.getCategoryFirstRep().getCodingFirstRep().getSystem())
        .isEqualTo("http://terminology.hl7.org/CodeSystem/observation-category");
    assertThat(observation.getCategoryFirstRep().getCodingFirstRep().getCode())
        .isEqualTo("vital-signs");
    assertThat(observation.getCode().hasCoding("http://loinc.org", "85354-9")).isTrue();
    assertThat(observation.getCode().hasCoding("http://snomed.info/sct", "75367002")).isTrue();
    assertThat(observation.getComponent()).hasSize(2);
    Quantity systolic = component(observation, "8480-6");
    Quantity diastolic = component(observation, "8462-4");
    for (Quantity quantity : List.of(systolic, diastolic)) {
      assertThat(quantity.getSystem()).isEqualTo("http://unitsofmeasure.org");
      assertThat(quantity.getCode()).isEqualTo("mm[Hg]");
      assertThat(quantity.getUnit()).isEqualTo("mm[Hg]");
    }
    assertThat(systolic.getValue().intValue()).isBetween(110, 170);
    assertThat(diastolic.getValue().intValue()).isBetween(65, 100);
    assertThat(systolic.getValue()).isGreaterThan(diastolic.getValue());
  }

  private static Quantity component(Observation observation, String loinc) {
    return observation.getComponent().stream()
        .filter(component -> component.getCode().hasCoding("http://loinc.org", loinc))
        .map(ObservationComponentComponent::getValueQuantity)
        .findFirst()
        .orElseThrow();
  }

  /** Asserting on what the server would receive, not on the objects before encoding. */
  @SuppressWarnings("unchecked")
  private static <T extends IBaseResource> T roundTrip(T resource) {
    return (T) FhirJson.parse(resource.getClass(), FhirJson.encode(resource));
  }
}
