package no.homemonitoring.server.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;

class TerminologyRequestsTest {

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "GET, /CodeSystem, true",
        "GET, /ValueSet/vital-signs/$expand, true",
        "POST, /ConceptMap/$translate, true",
        "GET, /StructureDefinition/hm-patient, true",
        "POST, /Observation/$validate, true",
        "POST, null, true",
        "POST, /, true",
        "GET, /metadata, false",
        "GET, /Observation, false",
        "POST, /Observation, false",
        "GET, /Patient/123/_history/2, false",
      })
  void holdsWhatNeedsTheStoredTerminology(String method, String pathInfo, boolean held) {
    MockHttpServletRequest request = new MockHttpServletRequest(method, "/fhir");
    request.setServletPath("/fhir");
    request.setPathInfo(pathInfo);

    assertThat(new TerminologyRequests().test(request)).isEqualTo(held);
  }
}
