package no.homemonitoring.server.terminology;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The FHIR requests that depend on the terminology and profiles {@link TerminologyLoader} stores at
 * start: reads, searches and writes of the conformance and terminology resource types, the
 * terminology and validation operations, and anything posted to the server's root (a batch or
 * transaction may hold any of these).
 *
 * <p>Everything else (the clinical resources, and the CapabilityStatement, whose profile list comes
 * from the profiles module) does not wait for them.
 */
public class TerminologyRequests implements Predicate<HttpServletRequest> {

  static final Set<String> RESOURCE_TYPES =
      Set.of("CodeSystem", "ValueSet", "ConceptMap", "StructureDefinition", "NamingSystem");

  static final Set<String> OPERATIONS =
      Set.of(
          "$translate",
          "$lookup",
          "$validate-code",
          "$expand",
          "$subsumes",
          "$closure",
          "$snapshot",
          "$validate");

  /** Expects a request to the FHIR servlet: its path info is the part after the FHIR base. */
  @Override
  public boolean test(HttpServletRequest request) {
    String path = request.getPathInfo();
    if (path == null || path.isEmpty() || path.equals("/")) {
      return true;
    }
    String[] segments = path.substring(1).split("/");
    if (RESOURCE_TYPES.contains(segments[0])) {
      return true;
    }
    for (String segment : segments) {
      if (OPERATIONS.contains(segment)) {
        return true;
      }
    }
    return false;
  }
}
