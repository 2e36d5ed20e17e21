package no.homemonitoring.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import java.util.Optional;

/**
 * Refuses {@code _has} on the resource types that search narrowing leaves whole (the care provider
 * directory and configuration), and on searches of no type: {@code
 * Organization?_has:Patient:organization:identifier=<fnr>} would tell anyone who may read the
 * directory whether a person is a patient, and where. On the patients' own data a reverse chain is
 * narrowed like any search; backend integrations see everything anyway.
 *
 * <p>A storage hook, so that it also sees the searches inside a batch or transaction, which never
 * pass the server's per-request hooks.
 */
@Interceptor
public class ReverseChainGuard {

  @Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
  public void refuseOutsideCompartments(ICachedSearchDetails search, SearchParameterMap params) {
    Optional<Caller> caller = Caller.current();
    if (caller.isEmpty()
        || caller.get().role() == Role.SYSTEM
        || !params.containsKey(Constants.PARAM_HAS)) {
      return;
    }
    String type = search.getResourceType();
    if (type == null
        || RoleAuthorizationInterceptor.DIRECTORY.contains(type)
        || RoleAuthorizationInterceptor.CONFORMANCE.contains(type)
        || type.equals("Subscription")) {
      throw new InvalidRequestException(
          "The search parameter _has is not available on " + (type == null ? "all types" : type));
    }
  }
}
