package no.homemonitoring.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import no.homemonitoring.terminology.Terminology;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

/**
 * The terminology operations and unit-normalised search, black-box over HTTP, answered from the
 * terminology module's data that the server loads at start.
 */
interface TerminologyContract {

  String BASE = "http://homemonitoring.no/fhir";
  String MDC = "urn:iso:std:iso:11073:10101";
  String UCUM = "http://unitsofmeasure.org";
  String KINSHIP = "urn:oid:2.16.578.1.12.4.1.1.9033";

  IGenericClient fhirClient();

  IdType newPatient();

  @Test
  default void translateMapsAnMdcCodeToLoinc() {
    Parameters result =
        translate(
            new Parameters()
                .addParameter("system", new UriType(MDC))
                .addParameter("code", new CodeType("150021"))
                .addParameter("targetsystem", new UriType("http://loinc.org")));

    assertThat(result.getParameterBool("result")).isTrue();
    assertThat(matchedCodes(result)).containsExactly("8480-6");
  }

  @Test
  default void translateMapsAVendorCodeThroughItsOwnMap() {
    Parameters result =
        translate(
            new Parameters()
                .addParameter("url", new UriType(BASE + "/ConceptMap/withings-to-loinc"))
                .addParameter("system", new UriType(BASE + "/CodeSystem/withings-measure-type"))
                .addParameter("code", new CodeType("1"))
                .addParameter("targetsystem", new UriType("http://snomed.info/sct")));

    assertThat(result.getParameterBool("result")).isTrue();
    assertThat(matchedCodes(result)).containsExactly("27113001");

    Parameters unknown =
        translate(
            new Parameters()
                .addParameter("system", new UriType(BASE + "/CodeSystem/withings-measure-type"))
                .addParameter("code", new CodeType("999"))
                .addParameter("targetsystem", new UriType("http://loinc.org")));
    assertThat(unknown.getParameterBool("result")).isFalse();
  }

  @Test
  default void lookupGivesDisplayAndProperties() {
    Parameters mdc = lookup(MDC, "150456");
    assertThat(mdc.getParameter("display"))
        .as(FhirServerContract.FHIR.newJsonParser().encodeResourceToString(mdc))
        .isNotNull();
    assertThat(mdc.getParameterValue("display").primitiveValue()).isEqualTo("MDC_PULS_OXIM_SAT_O2");

    Parameters weight = lookup(BASE + "/CodeSystem/measurement", "body-weight");
    assertThat(weight.getParameterValue("display").primitiveValue()).isEqualTo("Body weight");
    assertThat(weight.getParameters("property").stream())
        .anySatisfy(
            property -> {
              assertThat(property.getPart())
                  .anySatisfy(part -> assertThat(part.getValue().primitiveValue()).isEqualTo("kg"));
            });
  }

  @Test
  default void validateCodeChecksMembershipOfAValueSet() {
    assertThat(validateKinship("EF").getParameterBool("result")).isTrue();
    assertThat(validateKinship("XX").getParameterBool("result")).isFalse();
  }

  @Test
  default void expandListsTheNorwegianDisplays() {
    ValueSet kinship = expand(BASE + "/ValueSet/kinship");
    assertThat(kinship.getExpansion().getContains())
        .extracting(ValueSet.ValueSetExpansionContainsComponent::getCode)
        .containsExactlyInAnyOrder("EF", "SA", "DA", "SO", "AP");
    assertThat(kinship.getExpansion().getContains())
        .extracting(ValueSet.ValueSetExpansionContainsComponent::getDisplay)
        .contains("Ektefelle", "Sønn");

    ValueSet measurements = expand(BASE + "/ValueSet/measurement");
    assertThat(measurements.getExpansion().getContains())
        .extracting(ValueSet.ValueSetExpansionContainsComponent::getCode)
        .contains("systolic", "diastolic", "pulse", "spo2", "body-weight");
  }

  @Test
  default void everyResourceOfTheTerminologyModuleIsStoredInItsFirstVersion() {
    for (MetadataResource expected : Terminology.bundled().resources()) {
      MetadataResource stored =
          (MetadataResource)
              fhirClient()
                  .read()
                  .resource(expected.fhirType())
                  .withId(expected.getIdElement().getIdPart())
                  .execute();
      assertThat(stored.getUrl()).isEqualTo(expected.getUrl());
      assertThat(stored.getVersion()).isEqualTo(expected.getVersion());
      assertThat(stored.getMeta().getVersionId())
          .as("%s loaded once at start", expected.getUrl())
          .isEqualTo("1");
    }
  }

  @Test
  default void aWeightInPoundsOrGramsIsFoundByASearchInKilograms() {
    IdType patient = newPatient();
    String pounds = create(weight(patient, "181.6", "[lb_av]")); // 82.372 kg
    String grams = create(weight(patient, "82100", "g")); // 82.1 kg
    create(weight(patient, "70.0", "kg"));

    Bundle found =
        searchObservations(
            patient, "value-quantity=ge82|" + UCUM + "|kg", "value-quantity=le83|" + UCUM + "|kg");

    assertThat(ids(found)).containsExactlyInAnyOrder(pounds, grams);
  }

  @Test
  default void aPressureInKilopascalIsRefusedNamingTheUnitTheProfileFixes() {
    IdType patient = newPatient();
    // The vital-signs blood pressure profile fixes mm[Hg]: a vendor's kPa is converted by the
    // bridge (through the terminology module), never stored as sent.
    assertThatThrownBy(() -> create(bloodPressure(patient, "18.9", "11.2", "kPa")))
        .isInstanceOfSatisfying(
            UnprocessableEntityException.class,
            e -> assertThat(e.getMessage()).contains("Observation.component[0]").contains("kPa"));
    create(bloodPressure(patient, "120", "80", "mm[Hg]"));

    Bundle found =
        searchObservations(
            patient,
            "component-value-quantity=ge119|" + UCUM + "|mm[Hg]",
            "component-value-quantity=le121|" + UCUM + "|mm[Hg]");
    assertThat(found.getEntry()).hasSize(1);
  }

  private Parameters lookup(String system, String code) {
    return fhirClient()
        .operation()
        .onType(CodeSystem.class)
        .named("$lookup")
        .withParameters(
            new Parameters()
                .addParameter("system", new UriType(system))
                .addParameter("code", new CodeType(code)))
        .useHttpGet()
        .execute();
  }

  private Parameters translate(Parameters in) {
    return fhirClient()
        .operation()
        .onType(ConceptMap.class)
        .named("$translate")
        .withParameters(in)
        .useHttpGet()
        .execute();
  }

  private Parameters validateKinship(String code) {
    return fhirClient()
        .operation()
        .onType(ValueSet.class)
        .named("$validate-code")
        .withParameters(
            new Parameters()
                .addParameter("url", new UriType(BASE + "/ValueSet/kinship"))
                .addParameter("system", new UriType(KINSHIP))
                .addParameter("code", new CodeType(code)))
        .useHttpGet()
        .execute();
  }

  private ValueSet expand(String url) {
    return fhirClient()
        .operation()
        .onType(ValueSet.class)
        .named("$expand")
        .withParameters(new Parameters().addParameter("url", new UriType(url)))
        .useHttpGet()
        .returnResourceType(ValueSet.class)
        .execute();
  }

  private static List<String> matchedCodes(Parameters result) {
    return result.getParameters("match").stream()
        .flatMap(match -> match.getPart().stream())
        .filter(part -> "concept".equals(part.getName()))
        .map(part -> ((Coding) part.getValue()).getCode())
        .toList();
  }

  private String create(Observation observation) {
    return fhirClient().create().resource(observation).execute().getId().getIdPart();
  }

  private Bundle searchObservations(IdType patient, String... criteria) {
    String query =
        Stream.concat(
                Stream.of("patient=" + patient.toUnqualifiedVersionless().getValue()),
                Stream.of(criteria))
            .map(TerminologyContract::encodeValue)
            .reduce((a, b) -> a + "&" + b)
            .orElseThrow();
    return fhirClient().search().byUrl("Observation?" + query).returnBundle(Bundle.class).execute();
  }

  private static String encodeValue(String criterion) {
    int equals = criterion.indexOf('=');
    return criterion.substring(0, equals + 1)
        + URLEncoder.encode(criterion.substring(equals + 1), StandardCharsets.UTF_8);
  }

  private static List<String> ids(Bundle bundle) {
    return bundle.getEntry().stream()
        .map(entry -> entry.getResource().getIdElement().getIdPart())
        .toList();
  }

  private static Observation weight(IdType patient, String value, String unit) {
    Observation observation = FhirServerContract.vitalSign(patient, "29463-7", Instant.now());
    observation.setValue(quantity(value, unit));
    return observation;
  }

  private static Observation bloodPressure(
      IdType patient, String systolic, String diastolic, String unit) {
    Observation observation = FhirServerContract.vitalSign(patient, "85354-9", Instant.now());
    observation
        .addComponent()
        .setCode(
            new CodeableConcept(new Coding("http://loinc.org", "8480-6", null))
                .addCoding(new Coding("http://snomed.info/sct", "271649006", null)))
        .setValue(quantity(systolic, unit));
    observation
        .addComponent()
        .setCode(
            new CodeableConcept(new Coding("http://loinc.org", "8462-4", null))
                .addCoding(new Coding("http://snomed.info/sct", "271650006", null)))
        .setValue(quantity(diastolic, unit));
    return observation;
  }

  private static Quantity quantity(String value, String unit) {
    return new Quantity()
        .setValueElement(new org.hl7.fhir.r4.model.DecimalType(new BigDecimal(value)))
        .setSystem(UCUM)
        .setCode(unit)
        .setUnit(unit);
  }
}
