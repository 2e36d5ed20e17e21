package no.homemonitoring.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;

/**
 * A resource that does not exist, was deleted, or is withheld by consent gives one and the same
 * answer to callers bound to patients: HAPI's three messages (and their codes) would otherwise tell
 * them which it is. For relatives and patients a read of another patient's resource answers the
 * same too: HAPI's authorization looks at a resource once it is loaded, so its 403 (against the 404
 * of an id that does not exist) would tell them that the id is someone's record.
 */
@Interceptor
public class UniformNotFound {

  @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
  public BaseServerResponseException uniform(RequestDetails request, Throwable exception) {
    Optional<Caller> caller = Caller.current();
    if (caller.isEmpty()
        || caller.get().role() == Role.SYSTEM
        || !(exception instanceof ResourceNotFoundException
            || exception instanceof ResourceGoneException
            || refusedReadOfAnId(caller.get(), request, exception))) {
      return null;
    }
    String what =
        request.getId() != null
            ? request.getId().toUnqualifiedVersionless().getValue()
            : request.getResourceName();
    return new ResourceNotFoundException("Resource " + what + " is not known.");
  }

  /**
   * An instance history of which a relative or patient may see no version: as if the resource did
   * not exist (every resource has a version, so an empty history can only mean all of it was
   * withheld). Runs after the consent interceptor has filtered the response.
   */
  @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = 9_000)
  public boolean emptyHistory(RequestDetails request, IBaseResource response) {
    Optional<Caller> caller = Caller.current();
    if (caller.isPresent()
        && patientBound(caller.get())
        && request.getRestOperationType() == RestOperationTypeEnum.HISTORY_INSTANCE
        && response instanceof Bundle bundle
        && bundle.getEntry().stream().noneMatch(Bundle.BundleEntryComponent::hasResource)) {
      throw new ResourceNotFoundException(
          "Resource " + request.getId().toUnqualifiedVersionless().getValue() + " is not known.");
    }
    return true;
  }

  private static boolean patientBound(Caller caller) {
    return caller.role() == Role.RELATIVE || caller.role() == Role.PATIENT;
  }

  private static boolean refusedReadOfAnId(
      Caller caller, RequestDetails request, Throwable exception) {
    return exception instanceof ForbiddenOperationException
        && patientBound(caller)
        && request.getId() != null
        && request.getId().hasIdPart()
        && (request.getRestOperationType() == RestOperationTypeEnum.READ
            || request.getRestOperationType() == RestOperationTypeEnum.VREAD
            || request.getRestOperationType() == RestOperationTypeEnum.HISTORY_INSTANCE);
  }
}
