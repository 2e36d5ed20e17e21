package no.homemonitoring.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.SplittableRandom;
import no.homemonitoring.bridge.Decoded;
import no.homemonitoring.bridge.Reading;
import no.homemonitoring.bridge.SubjectKey;
import no.homemonitoring.bridge.openmhealth.OpenMHealthAdapter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;

class OpenMHealthDataPointTest {

  private static final Instant NOW = Instant.parse("2025-06-15T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneId.of("Europe/Oslo"));

  private final SyntheticPopulation population = new SyntheticPopulation(4, 1, 7, CLOCK);

  @Test
  void theBridgeDecodesTheSameReadingThePlainPostSends() {
    Observation observation = population.recentReading(3, new SplittableRandom(1));

    List<Decoded> decoded =
        new OpenMHealthAdapter()
            .decode(
                OpenMHealthDataPoint.of(observation, "bench-user-3")
                    .getBytes(StandardCharsets.UTF_8),
                NOW);

    assertThat(decoded).singleElement().isInstanceOf(Reading.class);
    Reading reading = (Reading) decoded.get(0);
    String uuid = observation.getIdentifierFirstRep().getValue().substring("urn:uuid:".length());
    assertThat(reading.identity()).isEqualTo("omh-" + uuid);
    assertThat(reading.subject()).isEqualTo(SubjectKey.vendorUser("bench-user-3"));
    assertThat(reading.concept()).isEqualTo("bp-panel");
    assertThat(reading.effective())
        .isEqualTo(OffsetDateTime.parse(observation.getEffectiveDateTimeType().getValueAsString()));
    assertThat(
            reading.components().stream()
                .map(component -> ((Quantity) component.value()).getValue().stripTrailingZeros()))
        .containsExactly(
            value(observation, SyntheticPopulation.SYSTOLIC),
            value(observation, SyntheticPopulation.DIASTOLIC));
  }

  @Test
  void distinctReadingsAreDistinctDataPoints() {
    SplittableRandom random = new SplittableRandom(1);

    String first = OpenMHealthDataPoint.of(population.recentReading(1, random), "u");
    String second = OpenMHealthDataPoint.of(population.recentReading(1, random), "u");

    assertThat(first).isNotEqualTo(second);
  }

  private static BigDecimal value(Observation observation, String loinc) {
    return observation.getComponent().stream()
        .filter(component -> component.getCode().hasCoding(SyntheticPopulation.LOINC, loinc))
        .findFirst()
        .orElseThrow()
        .getValueQuantity()
        .getValue()
        .stripTrailingZeros();
  }
}
