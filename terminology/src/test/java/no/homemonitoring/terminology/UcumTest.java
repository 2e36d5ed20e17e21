package no.homemonitoring.terminology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.fhir.ucum.Decimal;
import org.fhir.ucum.Pair;
import org.fhir.ucum.UcumEssenceService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UcumTest {

  private final Terminology terminology = Terminology.bundled();
  private final Ucum ucum = terminology.ucum();

  @ParameterizedTest(name = "{1} {2} is {3} {4} ({0})")
  @CsvSource({
    "systolic, 18.9, kPa, 142, mm[Hg]",
    "diastolic, 11.2, kPa, 84, mm[Hg]",
    "body-weight, 181.6, [lb_av], 82.372, kg",
    "body-weight, 82100, g, 82.100, kg",
    "body-weight, 49000, g, 49.000, kg",
    "body-weight, 82.350, kg, 82.350, kg",
    "body-weight, 2905, [oz_av], 82.355, kg",
    "spo2, 0.96, 1, 96.0, %",
    "spo2, 96.5, %, 96.5, %",
    "body-temperature, 98.6, [degF], 37.0, Cel",
    "body-temperature, 310.15, K, 37.0, Cel",
    "body-height, 1.750, m, 175.0, cm",
    "body-height, 1.75, m, 175.0, cm",
    "body-height, 1.7553, m, 175.5, cm",
    "body-height, 1.7556, m, 175.6, cm",
    "body-weight, 82100.5, g, 82.101, kg",
    "body-weight, 0.5, kg, 0.5, kg",
    "body-height, 68.9, [in_i], 175.0, cm",
  })
  void normalisesToTheMeasurementsUnit(
      String measurement, String value, String unit, String expected, String expectedUnit) {
    NormalisedValue normalised = terminology.normalise(measurement, new BigDecimal(value), unit);

    assertThat(normalised.value()).isEqualByComparingTo(expected);
    assertThat(normalised.value().scale()).isEqualTo(new BigDecimal(expected).scale());
    assertThat(normalised.unit()).isEqualTo(expectedUnit);
    assertThat(normalised.originalValue()).isEqualTo(new BigDecimal(value));
    assertThat(normalised.originalUnit()).isEqualTo(unit);
  }

  @Test
  void convertsExactlyByTheLibrarysFactors() {
    assertThat(ucum.factor("[lb_av]", "kg")).isEqualByComparingTo("0.45359237");
    assertThat(ucum.factor("g", "kg")).isEqualByComparingTo("0.001");
    // UCUM: 1 mm[Hg] = 133.322 Pa exactly, so 1 kPa = 7.500638 mm[Hg].
    assertThat(ucum.factor("kPa", "mm[Hg]").doubleValue()).isCloseTo(7.500638, within(1e-6));
    assertThat(ucum.convert(new BigDecimal("37"), "Cel", "[degF]")).isEqualByComparingTo("98.6");
  }

  @Test
  void anUnknownUnitIsNamed() {
    assertThatThrownBy(() -> terminology.normalise("systolic", BigDecimal.TEN, "mmHg"))
        .isInstanceOf(UnitException.class)
        .hasMessageContaining("'mmHg'")
        .satisfies(e -> assertThat(((UnitException) e).unit()).isEqualTo("mmHg"));
    assertThatThrownBy(() -> ucum.requireValid(" "))
        .isInstanceOf(UnitException.class)
        .hasMessageContaining("unit is required");
  }

  @Test
  void anIncompatibleUnitIsNamedWithTheUnitItShouldHaveBeen() {
    assertThatThrownBy(() -> terminology.normalise("systolic", BigDecimal.TEN, "kg"))
        .isInstanceOf(UnitException.class)
        .hasMessageContaining("'kg'")
        .hasMessageContaining("mm[Hg]");
    assertThatThrownBy(() -> terminology.normalise("body-temperature", BigDecimal.TEN, "kg"))
        .isInstanceOf(UnitException.class)
        .hasMessageContaining("'kg'")
        .hasMessageContaining("Cel");
    assertThatThrownBy(() -> ucum.convert(BigDecimal.ONE, "Cel", "kg"))
        .isInstanceOf(UnitException.class)
        .hasMessageContaining("only temperatures");
    assertThatThrownBy(() -> terminology.normalise("bp-panel", BigDecimal.ONE, "mm[Hg]"))
        .isInstanceOf(UnitException.class)
        .hasMessageContaining("panel");
  }

  @Test
  void cachedCanonicalFormsEqualTheLibrarysOwn() throws Exception {
    UcumEssenceService plain =
        new UcumEssenceService(UcumEssenceService.class.getResourceAsStream("/ucum-essence.xml"));
    for (String[] sample :
        new String[][] {
          {"120", "mm[Hg]"}, {"82.350", "kg"}, {"181.6", "[lb_av]"}, {"18.9", "kPa"}
        }) {
      for (int round = 0; round < 2; round++) {
        Decimal value = new Decimal(sample[0], new BigDecimal(sample[0]).precision());
        Pair expected = plain.getCanonicalForm(new Pair(value, sample[1]));
        Pair cached = ucum.service().getCanonicalForm(new Pair(value, sample[1]));
        assertThat(cached.getCode()).isEqualTo(expected.getCode());
        assertThat(cached.getValue().asDecimal()).isEqualTo(expected.getValue().asDecimal());
      }
    }
  }

  private static org.assertj.core.data.Offset<Double> within(double offset) {
    return org.assertj.core.data.Offset.offset(offset);
  }
}
