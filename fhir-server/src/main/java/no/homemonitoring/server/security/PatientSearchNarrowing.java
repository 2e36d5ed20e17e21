package no.homemonitoring.server.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;
import java.util.Optional;

/**
 * Confines every search of a caller bound to patients to those patients' compartments, so that
 * {@code Observation?code=...} means "of my patients" instead of being refused, and a search never
 * reaches anyone else's data.
 */
public class PatientSearchNarrowing extends SearchNarrowingInterceptor {

  /** A compartment no resource can be in (ids are at most 64 characters). */
  static final String NO_PATIENT = "Patient/" + "0".repeat(65);

  private final AccessScopes scopes;

  public PatientSearchNarrowing(AccessScopes scopes) {
    this.scopes = scopes;
    // Conditional create/update/delete URLs are searches too: narrowed the same way.
    setNarrowConditionalUrls(true);
  }

  @Override
  protected AuthorizedList buildAuthorizedList(RequestDetails request) {
    Optional<Caller> caller = Caller.current();
    if (request.getRestOperationType()
        == ca.uhn.fhir.rest.api.RestOperationTypeEnum.SEARCH_SYSTEM) {
      // HAPI cannot narrow a search across types; the role rules refuse it for callers bound to
      // patients (results outside their compartments fail the whole request).
      return null;
    }
    if (caller.isEmpty()) {
      return new AuthorizedList().addCompartment(NO_PATIENT);
    }
    AccessScope scope = scopes.of(caller.get());
    if (scope.unrestricted()) {
      return null;
    }
    if (caller.get().role() == Role.ADMIN) {
      // Administrators search only configuration resources (outside any compartment).
      return null;
    }
    AuthorizedList list = new AuthorizedList();
    if (scope.patientIds().isEmpty()) {
      return list.addCompartment(NO_PATIENT);
    }
    scope.patientIds().stream().sorted().forEach(id -> list.addCompartment("Patient/" + id));
    return list;
  }
}
