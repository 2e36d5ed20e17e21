package no.homemonitoring.server.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.util.FhirTerser;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import no.homemonitoring.server.ingest.IngestProcessor;
import no.homemonitoring.server.ingest.Submission;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * One AuditEvent per patient whose data a FHIR request touched (read, searched, written, or was
 * refused), with the field set of HL7 Norway's AuditEvent profile: who (person id, HPR number,
 * client), on behalf of which legal entity and unit, purpose of use, which patient, action,
 * outcome, time, and for a relative the consents that decided.
 */
@Interceptor
public class AuditTrail {

  static final String AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
  static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";
  static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
  static final String ROLE_SYSTEM = "https://homemonitoring.no/fhir/CodeSystem/access-role";
  static final String PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
  static final String LEGAL_ENTITY = "legal entity";
  static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
  private static final String PATIENTS = AuditTrail.class.getName() + ".patients";
  private static final String RECORDED = AuditTrail.class.getName() + ".recorded";

  private final AuditWriter writer;
  private final FhirTerser terser;
  private final Clock clock;
  private final AccessScopes scopes;

  public AuditTrail(AuditWriter writer, FhirContext fhirContext, Clock clock, AccessScopes scopes) {
    this.writer = writer;
    this.terser = fhirContext.newTerser();
    this.clock = clock;
    this.scopes = scopes;
  }

  /** Runs after consent and scope checks have removed what the caller does not see. */
  @Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = 10_000)
  public void shown(IPreResourceShowDetails details, RequestDetails request) {
    for (int i = 0; i < details.size(); i++) {
      IBaseResource resource = details.getResource(i);
      if (resource != null) {
        patientsOf(resource).forEach(id -> touched(request, id, "R"));
      }
    }
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource, RequestDetails request) {
    patientsOf(resource).forEach(id -> touched(request, id, "C"));
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(
      IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
    patientsOf(newResource).forEach(id -> touched(request, id, "U"));
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
  public void deleted(IBaseResource resource, RequestDetails request) {
    patientsOf(resource).forEach(id -> touched(request, id, "D"));
  }

  /**
   * Recorded (and so journaled) before the response is written: a client never holds an answer
   * whose access could still be lost. After the consent interceptor's own outgoing hook.
   */
  @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = 10_000)
  public boolean responding(RequestDetails request) {
    recordSuccess(request);
    return true;
  }

  /** For the interactions that answer without an outgoing-response hook. */
  @Hook(Pointcut.SERVER_PROCESSING_COMPLETED_NORMALLY)
  public void completed(ServletRequestDetails request) {
    recordSuccess(request);
  }

  private void recordSuccess(RequestDetails request) {
    if (request.getUserData().put(RECORDED, Boolean.TRUE) != null) {
      return;
    }
    if ("Patient".equals(request.getResourceName())
        && request.getId() != null
        && request.getId().hasIdPart()) {
      touched(request, request.getId().getIdPart(), "R");
    }
    record(request, AuditEvent.AuditEventOutcome._0, null);
  }

  @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
  public boolean failed(RequestDetails request, BaseServerResponseException exception) {
    AuditEvent.AuditEventOutcome outcome =
        exception.getStatusCode() < 500
            ? AuditEvent.AuditEventOutcome._4
            : AuditEvent.AuditEventOutcome._8;
    requestedPatients(request).forEach(id -> touched(request, id, null));
    record(request, outcome, exception.getStatusCode() + " " + exception.getMessage());
    return true;
  }

  private void record(
      RequestDetails request, AuditEvent.AuditEventOutcome outcome, String failure) {
    Optional<Caller> caller = Caller.current();
    Map<String, String> patients = patients(request);
    if (caller.isEmpty() || request.getRestOperationType() == RestOperationTypeEnum.METADATA) {
      return;
    }
    if (patients.isEmpty() && failure == null) {
      return;
    }
    if (patients.isEmpty()) {
      patients.put(null, null);
    }
    for (Map.Entry<String, String> patient : patients.entrySet()) {
      writer.write(
          event(request, caller.get(), patient.getKey(), patient.getValue(), outcome, failure));
    }
  }

  /** A search answered from the patient search cache: recorded as the search it stands for. */
  public void cachedSearch(jakarta.servlet.http.HttpServletRequest request, String patientId) {
    Caller.current()
        .ifPresent(
            caller -> {
              String url =
                  request.getRequestURI().replaceFirst("^.*/fhir/", "")
                      + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
              writer.write(
                  event(
                      caller,
                      patientId,
                      "R",
                      AuditEvent.AuditEventOutcome._0,
                      null,
                      RestOperationTypeEnum.SEARCH_TYPE,
                      request.getMethod(),
                      url,
                      request.getRemoteAddr(),
                      null,
                      null));
            });
  }

  /**
   * Measurements a vendor's signed push wrote into a patient's record through the device bridge
   * ({@code action} C or U), recorded as the vendor's access (identified as the ingest API knows
   * it, not by a token); the query is the push and its submission.
   */
  public void ingested(Submission submission, String patientId, String action) {
    Caller caller =
        new Caller(
            Role.VENDOR,
            submission.vendor(),
            submission.vendor(),
            null,
            null,
            null,
            null,
            0,
            null,
            null,
            null);
    AuditEvent event =
        event(
            caller,
            patientId,
            action,
            AuditEvent.AuditEventOutcome._0,
            null,
            "C".equals(action) ? RestOperationTypeEnum.CREATE : RestOperationTypeEnum.UPDATE,
            "POST",
            "ingest/" + submission.format() + " (submission " + submission.id() + ")",
            null,
            null,
            null);
    event
        .getAgentFirstRep()
        .getWho()
        .setIdentifier(
            new Identifier()
                .setSystem(IngestProcessor.VENDOR_SYSTEM)
                .setValue(submission.vendor()));
    writer.write(event);
  }

  AuditEvent event(
      RequestDetails request,
      Caller caller,
      String patientId,
      String action,
      AuditEvent.AuditEventOutcome outcome,
      String failure) {
    String url =
        request.getRequestPath()
            + (request.getCompleteUrl() != null && request.getCompleteUrl().contains("?")
                ? request.getCompleteUrl().substring(request.getCompleteUrl().indexOf('?'))
                : "");
    @SuppressWarnings("unchecked")
    List<String> consents =
        (List<String>) request.getUserData().get(RelativeConsentService.USED_CONSENTS);
    return event(
        caller,
        patientId,
        action,
        outcome,
        failure,
        request.getRestOperationType(),
        String.valueOf(request.getRequestType()),
        url,
        request instanceof ServletRequestDetails servlet
            ? servlet.getServletRequest().getRemoteAddr()
            : null,
        consents,
        withheldOf(request, patientId));
  }

  /** How many of this patient's resources the relative's consent withheld from the request. */
  private static Integer withheldOf(RequestDetails request, String patientId) {
    @SuppressWarnings("unchecked")
    Map<String, Integer> withheld =
        (Map<String, Integer>) request.getUserData().get(RelativeConsentService.WITHHELD);
    return withheld == null || patientId == null ? null : withheld.get(patientId);
  }

  AuditEvent event(
      Caller caller,
      String patientId,
      String action,
      AuditEvent.AuditEventOutcome outcome,
      String failure,
      RestOperationTypeEnum operation,
      String method,
      String url,
      String remoteAddress,
      List<String> consents,
      Object withheld) {
    AuditEvent event = new AuditEvent();
    event.setType(new Coding(AUDIT_EVENT_TYPE, "rest", "RESTful Operation"));
    if (operation != null) {
      event.addSubtype(new Coding(RESTFUL_INTERACTION, interaction(operation), null));
    }
    event.setAction(actionOf(action, operation));
    event.setRecorded(Date.from(clock.instant()));
    event.setOutcome(outcome);
    if (failure != null) {
      event.setOutcomeDesc(failure.length() > 500 ? failure.substring(0, 500) : failure);
    }
    event.addPurposeOfEvent(new CodeableConcept(purposeOf(caller, patientId)));

    AuditEvent.AuditEventAgentComponent user = event.addAgent();
    user.setRequestor(true);
    user.setType(new CodeableConcept(new Coding(PARTICIPATION, "IRCP", "information recipient")));
    user.addRole(
        new CodeableConcept(new Coding(ROLE_SYSTEM, caller.role().name().toLowerCase(), null)));
    Reference who = new Reference();
    if (caller.personId() != null) {
      who.setIdentifier(new Identifier().setSystem(AccessScopes.FNR).setValue(caller.personId()));
    } else {
      who.setIdentifier(
          new Identifier().setSystem("urn:ietf:rfc:7519#sub").setValue(caller.subject()));
    }
    if (caller.fhirUser() != null) {
      who.setReference(caller.fhirUser());
    }
    user.setWho(who);
    if (caller.hprNumber() != null) {
      user.setAltId(caller.hprNumber());
      user.addPolicy("hpr:" + caller.hprNumber());
    }
    if (caller.tokenId() != null) {
      user.addPolicy("jti:" + caller.tokenId());
    }
    if (remoteAddress != null) {
      user.getNetwork().setAddress(remoteAddress).setType(AuditEvent.AuditEventAgentNetworkType._2);
    }
    organisation(event, caller.legalEntity(), LEGAL_ENTITY);
    organisation(event, caller.unit(), "unit");
    AuditEvent.AuditEventAgentComponent client = event.addAgent();
    client.setRequestor(false);
    client.setType(new CodeableConcept(new Coding(DCM, "110150", "Application")));
    client.setWho(new Reference().setDisplay(caller.clientId()));

    event.getSource().setObserver(new Reference().setDisplay("homemonitoring-fhir-server"));
    event
        .getSource()
        .addType(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/security-source-type",
                "4",
                "Application Server"));

    if (patientId != null) {
      AuditEvent.AuditEventEntityComponent entity = event.addEntity();
      entity.setWhat(new Reference("Patient/" + patientId));
      entity.setType(
          new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"));
      entity.setRole(
          new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
    }
    AuditEvent.AuditEventEntityComponent query = event.addEntity();
    query.setType(
        new Coding(
            "http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"));
    query.setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "24", "Query"));
    query.setQuery(url.getBytes(StandardCharsets.UTF_8));
    query.setDescription(method + " " + url);
    if (consents != null) {
      for (String consent : consents) {
        AuditEvent.AuditEventEntityComponent decision = event.addEntity();
        decision.setWhat(new Reference(consent));
        decision.setDescription("consent that granted access");
      }
    }
    if (withheld != null) {
      event.addEntity().setDescription("consent withheld " + withheld + " resource(s)");
    }
    return event;
  }

  private static void organisation(AuditEvent event, String orgnr, String what) {
    if (orgnr == null) {
      return;
    }
    AuditEvent.AuditEventAgentComponent agent = event.addAgent();
    agent.setRequestor(false);
    agent.setType(
        new CodeableConcept(new Coding(PARTICIPATION, "PROV", "healthcare provider"))
            .setText(what));
    agent.setWho(
        new Reference()
            .setIdentifier(new Identifier().setSystem(AccessScopes.ORGNR).setValue(orgnr)));
  }

  /** The purpose the specialist stated for this patient, else the role's usual purpose. */
  private Coding purposeOf(Caller caller, String patientId) {
    if (caller.role() == Role.SPECIALIST && patientId != null) {
      Coding stated = scopes.of(caller).purposes().get(patientId);
      if (stated != null) {
        return stated.copy();
      }
    }
    return purposeOf(caller.role());
  }

  private static Coding purposeOf(Role role) {
    return switch (role) {
      case NURSE, SPECIALIST -> new Coding(ACT_REASON, "TREAT", "treatment");
      case PATIENT -> new Coding(ACT_REASON, "PATRQT", "patient requested");
      case RELATIVE -> new Coding(ACT_REASON, "FAMRQT", "family requested");
      case VENDOR, SYSTEM -> new Coding(ACT_REASON, "HOPERAT", "healthcare operations");
      case ADMIN -> new Coding(ACT_REASON, "HSYSADMIN", "health system administration");
    };
  }

  private static AuditEvent.AuditEventAction actionOf(
      String action, RestOperationTypeEnum operation) {
    if (action != null) {
      return AuditEvent.AuditEventAction.fromCode(action);
    }
    if (operation == null) {
      return AuditEvent.AuditEventAction.E;
    }
    return switch (operation) {
      case CREATE -> AuditEvent.AuditEventAction.C;
      case UPDATE, PATCH -> AuditEvent.AuditEventAction.U;
      case DELETE -> AuditEvent.AuditEventAction.D;
      case READ, VREAD, SEARCH_TYPE, SEARCH_SYSTEM, HISTORY_INSTANCE, HISTORY_TYPE ->
          AuditEvent.AuditEventAction.R;
      default -> AuditEvent.AuditEventAction.E;
    };
  }

  private static String interaction(RestOperationTypeEnum operation) {
    return switch (operation) {
      case READ -> "read";
      case VREAD -> "vread";
      case SEARCH_TYPE -> "search-type";
      case SEARCH_SYSTEM -> "search-system";
      case CREATE -> "create";
      case UPDATE -> "update";
      case PATCH -> "patch";
      case DELETE -> "delete";
      case HISTORY_INSTANCE -> "history-instance";
      case HISTORY_TYPE -> "history-type";
      case TRANSACTION -> "transaction";
      case BATCH -> "batch";
      default -> "operation";
    };
  }

  private Set<String> patientsOf(IBaseResource resource) {
    if (resource.fhirType().equals("Patient")) {
      String id = resource.getIdElement().getIdPart();
      return id == null ? Set.of() : Set.of(id);
    }
    if (resource.fhirType().equals("AuditEvent")
        || resource.fhirType().equals("OperationOutcome")
        || resource.fhirType().equals("Bundle")) {
      return Set.of();
    }
    Set<String> ids = new java.util.LinkedHashSet<>();
    for (IIdType owner :
        terser.getCompartmentOwnersForResource("Patient", resource, (Set<String>) null)) {
      ids.add(owner.getIdPart());
    }
    return ids;
  }

  private static List<String> requestedPatients(RequestDetails request) {
    List<String> ids = new ArrayList<>();
    if ("Patient".equals(request.getResourceName()) && request.getId() != null) {
      ids.add(request.getId().getIdPart());
    }
    for (String name : List.of("patient", "subject", "_id")) {
      String[] values = request.getParameters().get(name);
      if (values == null || (name.equals("_id") && !"Patient".equals(request.getResourceName()))) {
        continue;
      }
      for (String value : values) {
        for (String one : value.split(",")) {
          String id = one.startsWith("Patient/") ? one.substring("Patient/".length()) : one;
          if (!id.isBlank() && !id.contains("/")) {
            ids.add(id);
          }
        }
      }
    }
    return ids;
  }

  /** Records that a request concerned this patient (for a refusal the server did not look up). */
  static void concerned(RequestDetails request, String patientId) {
    touched(request, patientId, "E");
  }

  /** Records that consent withheld this patient's data from the request (the look is audited). */
  static void withheldFrom(RequestDetails request, String patientId) {
    touched(request, patientId, "R");
  }

  private static void touched(RequestDetails request, String patientId, String action) {
    Map<String, String> patients = patients(request);
    String before = patients.get(patientId);
    // A write outranks a read in the record of one request.
    if (before == null || "R".equals(before)) {
      patients.put(patientId, action == null ? before : action);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> patients(RequestDetails request) {
    return (Map<String, String>)
        request.getUserData().computeIfAbsent(PATIENTS, key -> new LinkedHashMap<String, String>());
  }
}
