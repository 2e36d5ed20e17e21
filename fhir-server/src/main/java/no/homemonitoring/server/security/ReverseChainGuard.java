package no.homemonitoring.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Optional;

/**
 * Refuses {@code _has} on the resource types that search narrowing leaves whole (the care provider
 * directory and configuration): {@code Organization?_has:Patient:organization:identifier=<fnr>}
 * would tell anyone who may read the directory whether a person is a patient, and where. On the
 * patients' own data a reverse chain is narrowed like any search; backend integrations see
 * everything anyway.
 */
@Interceptor
public class ReverseChainGuard {

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  public void refuseOutsideCompartments(RequestDetails request) {
    Optional<Caller> caller = Caller.current();
    String type = request.getResourceName();
    if (caller.isEmpty() || caller.get().role() == Role.SYSTEM || type == null) {
      return;
    }
    if (!RoleAuthorizationInterceptor.DIRECTORY.contains(type)
        && !RoleAuthorizationInterceptor.CONFORMANCE.contains(type)
        && !type.equals("Subscription")) {
      return;
    }
    for (String name : request.getParameters().keySet()) {
      if (name.startsWith("_has")) {
        throw new InvalidRequestException(
            "The search parameter " + name + " is not available on " + type + ".");
      }
    }
  }
}
