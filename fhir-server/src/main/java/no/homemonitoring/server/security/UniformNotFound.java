package no.homemonitoring.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Optional;

/**
 * A resource that does not exist, was deleted, or is withheld by consent gives one and the same
 * answer to callers bound to patients: HAPI's three messages (and their codes) would otherwise tell
 * them which it is.
 */
@Interceptor
public class UniformNotFound {

  @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
  public BaseServerResponseException uniform(RequestDetails request, Throwable exception) {
    Optional<Caller> caller = Caller.current();
    if (caller.isEmpty()
        || caller.get().role() == Role.SYSTEM
        || !(exception instanceof ResourceNotFoundException
            || exception instanceof ResourceGoneException)) {
      return null;
    }
    String what =
        request.getId() != null
            ? request.getId().toUnqualifiedVersionless().getValue()
            : request.getResourceName();
    return new ResourceNotFoundException("Resource " + what + " is not known.");
  }
}
