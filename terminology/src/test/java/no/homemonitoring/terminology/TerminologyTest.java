package no.homemonitoring.terminology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.MetadataResource;
import org.junit.jupiter.api.Test;

class TerminologyTest {

  private static final String WITHINGS = Terminology.BASE + "/CodeSystem/withings-measure-type";
  private static final String GATT = Terminology.BASE + "/CodeSystem/gatt-measurement";
  private static final String OMH = Terminology.BASE + "/CodeSystem/openmhealth-measure";

  private final Terminology terminology = Terminology.bundled();

  @Test
  void withingsSystolicIsCodedWithLoincSnomedAndMdc() {
    assertThat(terminology.codings(WITHINGS, "10"))
        .extracting(Coding::getSystem, Coding::getCode)
        .containsExactly(
            tuple(Terminology.LOINC, "8480-6"),
            tuple(Terminology.SNOMED_CT, "271649006"),
            tuple(Terminology.MDC, "150021"));
  }

  @Test
  void aWithingsPulseGetsTheMdcCodeOfItsKindOfDevice() {
    assertThat(mdc(terminology.codings(WITHINGS, "11", kind("cuff")))).containsExactly("149546");
    assertThat(mdc(terminology.codings(WITHINGS, "11", kind("oximeter"))))
        .containsExactly("149530");
    assertThat(mdc(terminology.codings(WITHINGS, "11", kind("scale")))).containsExactly("149514");
    assertThat(terminology.codings(WITHINGS, "11"))
        .extracting(Coding::getCode)
        .containsExactly("8867-4", "364075005");
  }

  @Test
  void spo2CarriesBothLoincCodes() {
    assertThat(terminology.codings(GATT, "2A5E.spo2"))
        .extracting(Coding::getCode)
        .containsExactly("59408-5", "2708-6", "431314004", "150456");
  }

  @Test
  void anMdcCodeKeepsItselfAndGainsLoincAndSnomed() {
    assertThat(terminology.codings(Terminology.MDC, "149530"))
        .extracting(Coding::getSystem, Coding::getCode, Coding::getDisplay)
        .containsExactly(
            tuple(Terminology.LOINC, "8867-4", "Heart rate"),
            tuple(Terminology.SNOMED_CT, "364075005", "Heart rate"),
            tuple(Terminology.MDC, "149530", "MDC_PULS_OXIM_PULS_RATE"));
  }

  @Test
  void aLoincOrSnomedCodeReachesItsMeasurementAndTheOtherSystem() {
    assertThat(terminology.codings(Terminology.LOINC, "8480-6"))
        .extracting(Coding::getSystem, Coding::getCode)
        .containsExactly(
            tuple(Terminology.LOINC, "8480-6"), tuple(Terminology.SNOMED_CT, "271649006"));
    assertThat(terminology.measurementOf(Terminology.LOINC, "29463-7").orElseThrow().code())
        .isEqualTo("body-weight");
    assertThat(terminology.measurementOf(Terminology.SNOMED_CT, "431314004").orElseThrow().code())
        .isEqualTo("spo2");
    assertThat(terminology.measurementOf(Terminology.LOINC, "2708-6"))
        .as("2708-6 is wider than pulse oximetry: not a key back to the measurement")
        .isEmpty();
    assertThatThrownBy(() -> terminology.codings(Terminology.LOINC, "1234-5"))
        .isInstanceOf(UnknownCodeException.class);
    assertThatThrownBy(() -> terminology.codings(null, "10"))
        .isInstanceOf(UnknownCodeException.class);
  }

  @Test
  void aResourceDefinedTwiceIsRefusedNamingBoth() {
    List<MetadataResource> twice = new java.util.ArrayList<>(terminology.resources());
    ConceptMap copy =
        (ConceptMap)
            twice.stream().filter(ConceptMap.class::isInstance).findFirst().orElseThrow().copy();
    copy.setUrl("http://homemonitoring.no/fhir/ConceptMap/another-url");
    twice.add(copy);

    assertThatThrownBy(() -> new Terminology(twice, terminology.ucum()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("defined twice");
  }

  @Test
  void openMHealthHasNoDeviceCode() {
    assertThat(terminology.codings(OMH, "body_weight"))
        .extracting(Coding::getCode)
        .containsExactly("29463-7", "27113001");
  }

  @Test
  void anUnmappedCodeIsRefusedByName() {
    assertThatThrownBy(() -> terminology.codings(WITHINGS, "18"))
        .isInstanceOf(UnknownCodeException.class)
        .hasMessageContaining(WITHINGS + "|18");
    assertThatThrownBy(() -> terminology.codings(WITHINGS, "76"))
        .isInstanceOf(UnknownCodeException.class);
  }

  @Test
  void vendorCodesLeadToTheirMeasurementAndItsRules() {
    Measurement systolic = terminology.measurementOf(WITHINGS, "10").orElseThrow();
    assertThat(systolic.code()).isEqualTo("systolic");
    assertThat(systolic.canonicalUnit()).isEqualTo("mm[Hg]");
    assertThat(systolic.isPlausible(new BigDecimal("300"))).isTrue();
    assertThat(systolic.isPlausible(new BigDecimal("301"))).isFalse();
    assertThat(systolic.isPlausible(new BigDecimal("49"))).isFalse();
    assertThat(terminology.measurementOf(GATT, "2A9D.weight").orElseThrow().code())
        .isEqualTo("body-weight");
    assertThat(terminology.measurementOf(Terminology.MDC, "150456").orElseThrow().code())
        .isEqualTo("spo2");
    assertThat(terminology.measurement("spo2").isPlausible(new BigDecimal("101"))).isFalse();
  }

  @Test
  void vendorUnitsBecomeUcum() {
    assertThat(terminology.ucumUnit(Terminology.BASE + "/CodeSystem/openmhealth-unit", "lb"))
        .isEqualTo("[lb_av]");
    assertThat(terminology.ucumUnit(Terminology.BASE + "/CodeSystem/openmhealth-unit", "mmHg"))
        .isEqualTo("mm[Hg]");
    assertThat(terminology.ucumUnit(Terminology.BASE + "/CodeSystem/gatt-unit", "kPa"))
        .isEqualTo("kPa");
    assertThat(terminology.ucumUnit(Terminology.UCUM, "/min")).isEqualTo("/min");
    assertThat(terminology.unitOf(WITHINGS, "1")).isEqualTo("kg");
    assertThat(terminology.unitOf(WITHINGS, "54")).isEqualTo("%");
    assertThatThrownBy(
            () -> terminology.ucumUnit(Terminology.BASE + "/CodeSystem/openmhealth-unit", "stone"))
        .isInstanceOf(UnitException.class)
        .hasMessageContaining("'stone'");
  }

  @Test
  void gattStatusFlagsBecomePhdCodes() {
    assertThat(
            terminology.translate(
                Terminology.BASE + "/CodeSystem/gatt-bp-status",
                "irregular-pulse",
                "http://hl7.org/fhir/uv/phd/CodeSystem/ASN1ToHL7"))
        .extracting(Coding::getCode)
        .containsExactly("8410608.2");
  }

  @Test
  void norwegianCodeSystemsHaveNorwegianDisplays() {
    CodeSystem kinship = terminology.codeSystem("urn:oid:2.16.578.1.12.4.1.1.9033").orElseThrow();
    assertThat(kinship.getLanguage()).isEqualTo("nb");
    assertThat(terminology.display("urn:oid:2.16.578.1.12.4.1.1.9033", "EF")).contains("Ektefelle");
    assertThat(terminology.display("urn:oid:2.16.578.1.12.4.1.1.7611", "FU")).contains("Fullmakt");
  }

  /** Every vendor says the same as the measurement map: the LOINC/SNOMED codes live once. */
  @Test
  void everyMapAgreesWithTheMeasurementsOwnCodes() {
    for (MetadataResource resource : terminology.resources()) {
      if (!(resource instanceof ConceptMap map)) {
        continue;
      }
      for (ConceptMap.ConceptMapGroupComponent group : map.getGroup()) {
        for (ConceptMap.SourceElementComponent element : group.getElement()) {
          terminology
              .measurementOf(group.getSource(), element.getCode())
              .ifPresent(
                  measurement -> {
                    for (String system : List.of(Terminology.LOINC, Terminology.SNOMED_CT)) {
                      assertThat(
                              terminology.translate(
                                  group.getSource(), element.getCode(), system, kind("cuff")))
                          .as("%s %s|%s", map.getId(), group.getSource(), element.getCode())
                          .extracting(Coding::getCode)
                          .containsExactlyElementsOf(
                              codes(
                                  terminology.translate(
                                      Terminology.MEASUREMENT, measurement.code(), system)));
                    }
                  });
        }
      }
    }
  }

  /** A map may only name codes that exist, in the systems this module holds. */
  @Test
  void everyMappedCodeExistsInItsCodeSystem() {
    for (MetadataResource resource : terminology.resources()) {
      if (!(resource instanceof ConceptMap map)) {
        continue;
      }
      for (ConceptMap.ConceptMapGroupComponent group : map.getGroup()) {
        for (ConceptMap.SourceElementComponent element : group.getElement()) {
          assertThat(known(group.getSource(), element.getCode()))
              .as("%s: source %s|%s", map.getId(), group.getSource(), element.getCode())
              .isTrue();
          for (ConceptMap.TargetElementComponent target : element.getTarget()) {
            assertThat(known(group.getTarget(), target.getCode()))
                .as("%s: target %s|%s", map.getId(), group.getTarget(), target.getCode())
                .isTrue();
          }
        }
      }
    }
  }

  @Test
  void everyResourceHasAUniqueIdAndCanonicalUrl() {
    Set<String> ids = new HashSet<>();
    Set<String> urls = new HashSet<>();
    for (MetadataResource resource : terminology.resources()) {
      assertThat(ids.add(resource.fhirType() + "/" + resource.getIdElement().getIdPart()))
          .as(resource.getUrl())
          .isTrue();
      assertThat(urls.add(resource.getUrl())).as(resource.getUrl()).isTrue();
      assertThat(resource.getVersion()).isNotBlank();
    }
    assertThat(terminology.resources()).hasSizeGreaterThanOrEqualTo(25);
  }

  /** HAPI's terminology store answers $lookup only for string, code and Coding properties. */
  @Test
  void conceptPropertiesAreOfTypesTheServerCanServe() {
    for (MetadataResource resource : terminology.resources()) {
      if (resource instanceof CodeSystem codeSystem) {
        assertThat(codeSystem.getProperty())
            .as(codeSystem.getUrl())
            .allSatisfy(
                property ->
                    assertThat(property.getType().toCode()).isIn("string", "code", "Coding"));
      }
    }
  }

  private boolean known(String system, String code) {
    if (terminology.codeSystem(system).isPresent()) {
      return terminology.codeSystem(system).orElseThrow().getConcept().stream()
          .anyMatch(c -> c.getCode().equals(code));
    }
    if (Terminology.UCUM.equals(system)) {
      terminology.ucum().requireValid(code);
      return true;
    }
    // LOINC and SNOMED CT are not held here; every code of theirs we use is listed in one of our
    // value sets (so a typo in a map fails here).
    if (!system.equals(Terminology.LOINC) && !system.equals(Terminology.SNOMED_CT)) {
      return "http://hl7.org/fhir/uv/phd/CodeSystem/ASN1ToHL7".equals(system)
          && code.startsWith("8410608.");
    }
    return terminology.valueSets().stream()
        .flatMap(v -> v.getCompose().getInclude().stream())
        .filter(include -> system.equals(include.getSystem()))
        .flatMap(include -> include.getConcept().stream())
        .anyMatch(concept -> concept.getCode().equals(code));
  }

  private static Map<String, String> kind(String kind) {
    return Map.of(Terminology.DEVICE_KIND, kind);
  }

  private static List<String> mdc(List<Coding> codings) {
    return codings.stream()
        .filter(c -> Terminology.MDC.equals(c.getSystem()))
        .map(Coding::getCode)
        .toList();
  }

  private static List<String> codes(List<Coding> codings) {
    return codings.stream().map(Coding::getCode).toList();
  }
}
