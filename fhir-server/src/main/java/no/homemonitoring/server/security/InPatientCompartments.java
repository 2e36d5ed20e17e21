package no.homemonitoring.server.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * The condition of a read or write rule: the resource belongs to the compartment of one of the
 * caller's patients. It decides what HAPI's {@code inCompartment("Patient", ids)} decides, in one
 * walk over the resource's patient references and a set lookup, where HAPI's rule walks the
 * resource once for every patient named. A municipality's nurse has hundreds of patients and a
 * search returns up to fifty resources, so that difference is most of the cost of authorising a
 * read.
 *
 * <p>A read is allowed before the resource is loaded (an instance read names no patient, and a
 * search is bound to the caller's patients by {@link PatientSearchNarrowing}), and every resource
 * that goes out is tested here. A write is tested on the resource written and, for an update, on
 * the one it replaces (HAPI checks both before storage), so nothing moves into or out of the
 * caller's patients. A read or write of a Patient by id outside the set is refused before it
 * reaches the database.
 */
final class InPatientCompartments implements IAuthRuleTester {

  private static final String PATIENT = "Patient";

  private final Set<String> patientIds;

  InPatientCompartments(Set<String> patientIds) {
    this.patientIds = Set.copyOf(patientIds);
  }

  @Override
  public boolean matches(RuleTestRequest request) {
    if (request.resource != null) {
      return contains(request.requestDetails.getFhirContext(), request.resource);
    }
    IIdType id = request.resourceId;
    if (id != null && PATIENT.equals(id.getResourceType()) && id.hasIdPart()) {
      return patientIds.contains(id.getIdPart());
    }
    return true;
  }

  @Override
  public boolean matchesOutput(RuleTestRequest request) {
    return request.resource == null
        || contains(request.requestDetails.getFhirContext(), request.resource);
  }

  private boolean contains(FhirContext context, IBaseResource resource) {
    IIdType own = resource.getIdElement();
    if (PATIENT.equals(context.getResourceType(resource))) {
      if (own != null && own.hasIdPart() && patientIds.contains(own.getIdPart())) {
        return true;
      }
    }
    for (IIdType owner :
        context.newTerser().getCompartmentOwnersForResource(PATIENT, resource, Set.of())) {
      if (owner.hasIdPart()
          && (!owner.hasResourceType() || PATIENT.equals(owner.getResourceType()))
          && patientIds.contains(owner.getIdPart())) {
        return true;
      }
    }
    return false;
  }
}
