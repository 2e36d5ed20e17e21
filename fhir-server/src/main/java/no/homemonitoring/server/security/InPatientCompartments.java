package no.homemonitoring.server.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IDomainResource;
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
 * the one it replaces (HAPI checks both before storage), and every patient it names must be the
 * caller's ({@link #allOf}), so nothing moves into or out of the caller's patients. A read or write
 * of a Patient by id outside the set is refused before it reaches the database.
 */
final class InPatientCompartments implements IAuthRuleTester {

  private static final String PATIENT = "Patient";

  private final Set<String> patientIds;
  private final boolean every;

  private InPatientCompartments(Set<String> patientIds, boolean every) {
    this.patientIds = Set.copyOf(patientIds);
    this.every = every;
  }

  /** For reads: the resource is in the compartment of at least one of the patients. */
  static InPatientCompartments anyOf(Set<String> patientIds) {
    return new InPatientCompartments(patientIds, false);
  }

  /**
   * For writes: every patient the resource belongs to is one of the patients (and it belongs to at
   * least one), so that a write cannot reach a patient outside the set through a second reference
   * (an Observation whose performer is an own patient, a CareTeam with an own patient among its
   * participants).
   */
  static InPatientCompartments allOf(Set<String> patientIds) {
    return new InPatientCompartments(patientIds, true);
  }

  @Override
  public boolean matches(RuleTestRequest request) {
    if (request.resource != null) {
      if (request.operation == RestOperationTypeEnum.PATCH
          && !(request.resource instanceof IDomainResource)) {
        // The patch document (Parameters); the resource before and after it is tested before
        // storage.
        return true;
      }
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
    boolean any = false;
    IIdType own = resource.getIdElement();
    if (PATIENT.equals(context.getResourceType(resource))
        && own != null
        && own.hasIdPart()
        && !own.getIdPart().startsWith("urn:")) {
      if (!patientIds.contains(own.getIdPart())) {
        if (every) {
          return false;
        }
      } else if (!every) {
        return true;
      } else {
        any = true;
      }
    }
    for (IIdType owner :
        context.newTerser().getCompartmentOwnersForResource(PATIENT, resource, Set.of())) {
      boolean patient = !owner.hasResourceType() || PATIENT.equals(owner.getResourceType());
      if (!patient) {
        continue;
      }
      boolean inSet = owner.hasIdPart() && patientIds.contains(owner.getIdPart());
      if (inSet && !every) {
        return true;
      }
      if (!inSet && every) {
        return false;
      }
      any |= inSet;
    }
    return any;
  }
}
