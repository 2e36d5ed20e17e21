package no.homemonitoring.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.Test;

class SearchParameterSetupTest {

  @Test
  void retiredCopyKeepsTheBuiltInUrlSoItReplacesTheBuiltIn() {
    RuntimeSearchParam builtIn =
        FhirContext.forR4Cached()
            .getResourceDefinition("Observation")
            .getSearchParam("value-string");

    SearchParameter copy = SearchParameterSetup.retiredCopy("Observation", builtIn);

    assertThat(copy.getUrl()).isEqualTo(builtIn.getUri()).startsWith("http://hl7.org/fhir/");
    assertThat(copy.getStatus()).isEqualTo(Enumerations.PublicationStatus.RETIRED);
    assertThat(copy.getCode()).isEqualTo("value-string");
    assertThat(copy.getBase()).extracting(b -> b.getValue()).containsExactly("Observation");
    assertThat(copy.getType()).isEqualTo(Enumerations.SearchParamType.STRING);
    assertThat(copy.getIdElement().getIdPart()).isEqualTo("unindexed-Observation-value-string");
  }
}
