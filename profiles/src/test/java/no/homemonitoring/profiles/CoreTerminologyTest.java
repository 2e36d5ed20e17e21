package no.homemonitoring.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

class CoreTerminologyTest {

  private static final FhirContext R4 = FhirContext.forR4Cached();

  @Test
  void everyCodeSystemAndValueSetIsTheOneHapiServes() {
    DefaultProfileValidationSupport hapi = new DefaultProfileValidationSupport(R4);
    CoreTerminology ours = new CoreTerminology(R4);
    hapi.fetchCodeSystem("http://hl7.org/fhir/observation-status"); // loads HAPI's terminology

    List<String> different = new ArrayList<>();
    int compared = 0;
    for (IBaseResource resource : hapi.fetchAllConformanceResources()) {
      IBaseResource theirs;
      IBaseResource mine;
      String url;
      if (resource instanceof CodeSystem codeSystem) {
        url = codeSystem.getUrl();
        theirs = hapi.fetchCodeSystem(url);
        mine = ours.fetchCodeSystem(url);
      } else if (resource instanceof ValueSet valueSet) {
        url = valueSet.getUrl();
        theirs = hapi.fetchValueSet(url);
        mine = ours.fetchValueSet(url);
      } else {
        continue;
      }
      compared++;
      // Both find nothing for a URL with a version in it ("...|2.4") and no unversioned twin.
      boolean same =
          theirs == null
              ? mine == null
              : mine != null && ((MetadataResource) theirs).equalsDeep((MetadataResource) mine);
      if (!same) {
        different.add(url);
      }
    }

    assertThat(compared).as("code systems and value sets compared").isGreaterThan(2000);
    assertThat(ours.size()).as("held, by URL").isEqualTo(compared);
    assertThat(different).isEmpty();
  }

  @Test
  void aVersionedLookupChecksTheVersionExceptForHl7CodeSystems() {
    CoreTerminology ours = new CoreTerminology(R4);

    assertThat(ours.fetchCodeSystem("http://hl7.org/fhir/observation-status|4.0.1")).isNotNull();
    assertThat(ours.fetchCodeSystem("http://hl7.org/fhir/observation-status|0.0.1"))
        .as("HL7's own: any version")
        .isNotNull();
    assertThat(ours.fetchValueSet("http://hl7.org/fhir/ValueSet/observation-status"))
        .isInstanceOf(ValueSet.class);
    assertThat(ours.fetchCodeSystem("http://example.org/no-such-system")).isNull();
    assertThat(ours.fetchValueSet("http://hl7.org/fhir/observation-status"))
        .as("a code system's URL is not a value set's")
        .isNull();
  }

  @Test
  void everyFetchReturnsANewCopy() {
    CoreTerminology ours = new CoreTerminology(R4);
    String url = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    CodeSystem first = (CodeSystem) ours.fetchCodeSystem(url);
    first.getConcept().clear();

    assertThat(((CodeSystem) ours.fetchCodeSystem(url)).getConcept()).isNotEmpty();
  }
}
