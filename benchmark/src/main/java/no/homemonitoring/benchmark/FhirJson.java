package no.homemonitoring.benchmark;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * FHIR R4 JSON through HAPI's parser; a new parser per call because parsers are not thread-safe.
 */
final class FhirJson {

  private FhirJson() {}

  static FhirContext context() {
    return FhirContext.forR4Cached();
  }

  static String encode(IBaseResource resource) {
    return context().newJsonParser().encodeResourceToString(resource);
  }

  static <T extends IBaseResource> T parse(Class<T> type, String json) {
    return context().newJsonParser().parseResource(type, json);
  }
}
