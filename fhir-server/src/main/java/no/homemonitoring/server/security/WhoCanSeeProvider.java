package no.homemonitoring.server.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Date;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/**
 * {@code GET /fhir/Patient/{id}/$who-can-see}: every actor who can see this patient's data, with
 * the rule or resource that grants it: the patient, the home-care nurses of the managing
 * organisation, the members of the patient's care teams, specialists with a stated purpose of use
 * that still holds, relatives with an active consent (what it grants, until when, what it
 * withholds), and the backend integrations. Asked by the patient or a nurse of the patient; the
 * answer comes from the same data the access rules read.
 */
public class WhoCanSeeProvider {

  private final DaoRegistry daoRegistry;
  private final Map<String, Role> clientRoles;

  public WhoCanSeeProvider(DaoRegistry daoRegistry, Map<String, Role> clientRoles) {
    this.daoRegistry = daoRegistry;
    this.clientRoles = clientRoles;
  }

  @Operation(name = "$who-can-see", idempotent = true, type = Patient.class)
  public Parameters whoCanSee(@IdParam IdType patientId) {
    SystemRequestDetails system = new SystemRequestDetails();
    Patient patient;
    try {
      patient =
          (Patient)
              daoRegistry
                  .getResourceDao("Patient")
                  .read(patientId.toUnqualifiedVersionless(), system);
    } catch (ResourceNotFoundException
        | ca.uhn.fhir.rest.server.exceptions.ResourceGoneException e) {
      throw new ResourceNotFoundException(
          "Resource " + patientId.toUnqualifiedVersionless().getValue() + " is not known.");
    }
    String reference = "Patient/" + patient.getIdElement().getIdPart();
    Parameters answer = new Parameters();
    actor(
        answer,
        new Reference(reference),
        "patient",
        "the patient: all own data; grants and withdraws consents",
        null);

    if (patient.hasManagingOrganization()) {
      IBaseResource found = null;
      try {
        found =
            daoRegistry
                .getResourceDao("Organization")
                .read(new IdType(patient.getManagingOrganization().getReference()), system);
      } catch (RuntimeException e) {
        // A dangling reference grants nothing.
      }
      if (found instanceof Organization organization) {
        for (Identifier identifier : organization.getIdentifier()) {
          if (AccessScopes.ORGNR.equals(identifier.getSystem())) {
            actor(
                answer,
                new Reference().setIdentifier(identifier.copy()).setDisplay(organization.getName()),
                "nurse",
                "home-care nurses acting for organisation "
                    + identifier.getValue()
                    + " (managing organisation): read and write",
                new Reference("Organization/" + organization.getIdElement().getIdPart()));
          }
        }
      }
    }

    for (IBaseResource found : search("CareTeam", "subject", reference)) {
      CareTeam team = (CareTeam) found;
      if (team.getStatus() != CareTeam.CareTeamStatus.ACTIVE) {
        continue;
      }
      for (CareTeam.CareTeamParticipantComponent participant : team.getParticipant()) {
        if (participant.getMember().getReferenceElement().getResourceType() == null
            || !participant
                .getMember()
                .getReferenceElement()
                .getResourceType()
                .equals("Practitioner")) {
          continue;
        }
        actor(
            answer,
            participant.getMember().copy(),
            "nurse or specialist",
            "member of the patient's care team (a care relation): a home-care nurse reads and writes, a specialist reads and writes observations",
            new Reference("CareTeam/" + team.getIdElement().getIdPart()));
      }
    }

    Date now = new Date();
    for (StatedPurposes.Statement statement :
        StatedPurposes.holding(daoRegistry, now.toInstant(), reference)) {
      actor(
          answer,
          new Reference()
              .setIdentifier(
                  new Identifier().setSystem(AccessScopes.HPR).setValue(statement.hprNumber())),
          "specialist",
          "stated purpose of use "
              + statement.purpose().getCode()
              + (statement.purpose().hasDisplay()
                  ? " (" + statement.purpose().getDisplay() + ")"
                  : "")
              + ": "
              + statement.reason()
              + "; acting for organisation "
              + statement.legalEntity()
              + ", reads and writes observations and notes until "
              + statement.validUntil(),
          new Reference(statement.record()));
    }

    for (IBaseResource found : search("Consent", "patient", reference)) {
      Consent consent = (Consent) found;
      if (consent.getStatus() != Consent.ConsentState.ACTIVE) {
        continue;
      }
      Consent.ProvisionComponent provision = consent.getProvision();
      boolean current =
          (!provision.getPeriod().hasStart() || !now.before(provision.getPeriod().getStart()))
              && (!provision.getPeriod().hasEnd() || now.before(provision.getPeriod().getEnd()));
      if (!current || provision.getType() != Consent.ConsentProvisionType.PERMIT) {
        continue;
      }
      String classes =
          provision.getClass_().stream().map(Coding::getCode).collect(Collectors.joining(", "));
      String withheld =
          provision.getProvision().stream()
              .filter(p -> p.getType() == Consent.ConsentProvisionType.DENY)
              .flatMap(p -> p.getCode().stream())
              .flatMap(c -> c.getCoding().stream())
              .map(c -> c.getCode() + (c.hasDisplay() ? " " + c.getDisplay() : ""))
              .collect(Collectors.joining(", "));
      for (Consent.provisionActorComponent actor : provision.getActor()) {
        actor(
            answer,
            actor.getReference().copy(),
            "relative",
            "consent: "
                + (classes.isEmpty() ? "all resource types" : classes)
                + (provision.getPeriod().hasEnd()
                    ? ", until " + provision.getPeriod().getEndElement().getValueAsString()
                    : "")
                + (withheld.isEmpty() ? "" : ", except " + withheld),
            new Reference("Consent/" + consent.getIdElement().getIdPart()));
      }
    }

    clientRoles.entrySet().stream()
        .filter(client -> client.getValue() == Role.SYSTEM)
        .map(Map.Entry::getKey)
        .sorted()
        .forEach(
            client ->
                actor(
                    answer,
                    new Reference().setDisplay(client),
                    "system",
                    "backend integration of the care provider: what its system/ scopes name",
                    null));
    return answer;
  }

  private static void actor(
      Parameters answer, Reference who, String role, String grounds, Reference basis) {
    Parameters.ParametersParameterComponent actor = answer.addParameter().setName("actor");
    actor.addPart().setName("who").setValue(who);
    actor.addPart().setName("role").setValue(new org.hl7.fhir.r4.model.StringType(role));
    actor.addPart().setName("grounds").setValue(new org.hl7.fhir.r4.model.StringType(grounds));
    if (basis != null) {
      actor.addPart().setName("basis").setValue(basis);
    }
  }

  private java.util.List<IBaseResource> search(String type, String parameter, String reference) {
    SearchParameterMap map =
        SearchParameterMap.newSynchronous(parameter, new ReferenceParam(reference));
    return daoRegistry
        .getResourceDao(type)
        .search(map, new SystemRequestDetails())
        .getAllResources();
  }
}
