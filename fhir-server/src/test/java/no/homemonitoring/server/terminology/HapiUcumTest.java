package no.homemonitoring.server.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.model.util.UcumServiceUtil;
import java.math.BigDecimal;
import no.homemonitoring.terminology.Ucum;
import org.fhir.ucum.Pair;
import org.junit.jupiter.api.Test;

class HapiUcumTest {

  @Test
  void hapiIndexesQuantitiesThroughTheCachedServiceWithTheSameResults() {
    Pair before =
        UcumServiceUtil.getCanonicalForm(
            UcumServiceUtil.UCUM_CODESYSTEM_URL, new BigDecimal("181.6"), "[lb_av]");

    assertThat(HapiUcum.install(Ucum.shared().service()))
        .as("HAPI's UCUM service field was replaced (a HAPI upgrade may have renamed it)")
        .isTrue();

    Pair after =
        UcumServiceUtil.getCanonicalForm(
            UcumServiceUtil.UCUM_CODESYSTEM_URL, new BigDecimal("181.6"), "[lb_av]");
    assertThat(after.getCode()).isEqualTo(before.getCode()).isEqualTo("g");
    assertThat(after.getValue().asDecimal()).isEqualTo(before.getValue().asDecimal());
    Pair pressure =
        UcumServiceUtil.getCanonicalForm(
            UcumServiceUtil.UCUM_CODESYSTEM_URL, new BigDecimal("18.9"), "kPa");
    // 18.9 kPa = 18 900 Pa = 18 900 000 g/(m.s2)
    assertThat(pressure.getCode()).isEqualTo("g.m-1.s-2");
    assertThat(new BigDecimal(pressure.getValue().asDecimal())).isEqualByComparingTo("18900000");
  }
}
