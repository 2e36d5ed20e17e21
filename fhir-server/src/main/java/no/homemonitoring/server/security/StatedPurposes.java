package no.homemonitoring.server.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * A hospital specialist without a care relation to a patient can still read the patient's data for
 * a purpose of use they state and the server records: {@code POST /fhir/Patient/$state-purpose}
 * with the patient's national id, the purpose (HL7 v3 ActReason: {@code TREAT} treatment, {@code
 * ETREAT} emergency treatment, {@code COC} coordination of care), a reason in words and for how
 * many hours (at most {@link #LONGEST}).
 *
 * <p>The statement is recorded, before the answer, as an AuditEvent (so that no one can change or
 * delete it through the API, and the patient sees it among who looked at their data): the
 * specialist as requesting agent with their HPR number, the legal entity, the patient, the purpose
 * of event with the reason as its text, and the end of the access as an entity detail. While it
 * holds, {@link AccessScopes} counts the patient among the specialist's (the same HPR number acting
 * for the same legal entity), the access rules are the specialist's usual ones (reads; writes of
 * observations and notes), and every access is audited with the stated purpose.
 */
public class StatedPurposes {

  public static final String SUBTYPE_SYSTEM =
      "https://homemonitoring.no/fhir/CodeSystem/audit-event-subtype";
  public static final String SUBTYPE = "stated-purpose-of-use";
  public static final String VALID_UNTIL = "valid-until";
  public static final String OPERATION = "$state-purpose";

  /** The longest time one statement grants access. */
  public static final Duration LONGEST = Duration.ofHours(24);

  static final Duration DEFAULT = Duration.ofHours(8);

  /** The purposes a specialist may state, with their display. */
  static final Map<String, String> PURPOSES =
      Map.of("TREAT", "treatment", "ETREAT", "emergency treatment", "COC", "coordination of care");

  /** One recorded statement, as {@link AccessScopes} reads it. */
  /**
   * One recorded statement, as {@link AccessScopes} and {@link WhoCanSeeProvider} read it.
   *
   * @param record the AuditEvent that records it ({@code AuditEvent/id})
   */
  public record Statement(
      String hprNumber,
      String legalEntity,
      String patientId,
      Coding purpose,
      String reason,
      Instant validUntil,
      String record) {}

  /**
   * The statements that still hold at {@code now}: of one patient ({@code Patient/id}), or of all
   * patients if null.
   */
  static List<Statement> holding(DaoRegistry daoRegistry, Instant now, String patient) {
    SearchParameterMap map =
        SearchParameterMap.newSynchronous("subtype", new TokenParam(SUBTYPE_SYSTEM, SUBTYPE));
    map.add(
        "date",
        new DateParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, Date.from(now.minus(LONGEST))));
    if (patient != null) {
      map.add("entity", new ReferenceParam(patient));
    }
    map.setLoadSynchronousUpTo(50_000);
    List<Statement> holding = new ArrayList<>();
    for (IBaseResource found :
        daoRegistry
            .getResourceDao("AuditEvent")
            .search(map, new SystemRequestDetails())
            .getAllResources()) {
      Statement statement = read((AuditEvent) found);
      if (statement != null && now.isBefore(statement.validUntil())) {
        holding.add(statement);
      }
    }
    return holding;
  }

  private final DaoRegistry daoRegistry;
  private final AuditTrail auditTrail;
  private final Clock clock;

  public StatedPurposes(DaoRegistry daoRegistry, AuditTrail auditTrail, Clock clock) {
    this.daoRegistry = daoRegistry;
    this.auditTrail = auditTrail;
    this.clock = clock;
  }

  /** Whether a resource is a recorded statement of purpose. */
  public static boolean isStatement(IBaseResource resource) {
    if (!(resource instanceof AuditEvent event)) {
      return false;
    }
    for (Coding subtype : event.getSubtype()) {
      if (SUBTYPE.equals(subtype.getCode()) && SUBTYPE_SYSTEM.equals(subtype.getSystem())) {
        return true;
      }
    }
    return false;
  }

  /** The statement an AuditEvent records, or null if it records none (or only part of one). */
  public static Statement read(AuditEvent event) {
    if (!isStatement(event) || event.getOutcome() != AuditEvent.AuditEventOutcome._0) {
      return null;
    }
    String hpr = null;
    String legalEntity = null;
    for (AuditEvent.AuditEventAgentComponent agent : event.getAgent()) {
      if (agent.getRequestor() && agent.hasAltId()) {
        hpr = agent.getAltId();
      }
      if (AuditTrail.LEGAL_ENTITY.equals(agent.getType().getText())) {
        legalEntity = agent.getWho().getIdentifier().getValue();
      }
    }
    String patientId = null;
    Instant until = null;
    for (AuditEvent.AuditEventEntityComponent entity : event.getEntity()) {
      if ("Patient".equals(entity.getWhat().getReferenceElement().getResourceType())) {
        patientId = entity.getWhat().getReferenceElement().getIdPart();
        for (AuditEvent.AuditEventEntityDetailComponent detail : entity.getDetail()) {
          if (VALID_UNTIL.equals(detail.getType()) && detail.getValue() instanceof StringType s) {
            try {
              until = Instant.parse(s.getValue());
            } catch (DateTimeParseException e) {
              return null;
            }
          }
        }
      }
    }
    Coding purpose =
        event.getPurposeOfEvent().stream()
            .flatMap(c -> c.getCoding().stream())
            .filter(c -> AuditTrail.ACT_REASON.equals(c.getSystem()))
            .findFirst()
            .orElse(null);
    if (hpr == null || patientId == null || until == null || purpose == null) {
      return null;
    }
    String reason =
        event.getPurposeOfEvent().isEmpty() ? "" : event.getPurposeOfEventFirstRep().getText();
    return new Statement(
        hpr,
        legalEntity,
        patientId,
        purpose,
        reason,
        until,
        "AuditEvent/" + event.getIdElement().getIdPart());
  }

  private static Duration validated(Coding purpose, StringType reason, IntegerType hours) {
    if (purpose == null
        || !AuditTrail.ACT_REASON.equals(purpose.getSystem())
        || !PURPOSES.containsKey(purpose.getCode())) {
      throw new InvalidRequestException(
          "Parameter 'purpose' must be one of "
              + String.join(", ", PURPOSES.keySet().stream().sorted().toList())
              + " of "
              + AuditTrail.ACT_REASON
              + ".");
    }
    String why = reason == null || reason.getValue() == null ? "" : reason.getValue().strip();
    if (why.length() < 5 || why.length() > 500) {
      throw new InvalidRequestException(
          "Parameter 'reason' must say in words why the data is needed (5 to 500 characters).");
    }
    Duration duration = DEFAULT;
    if (hours != null && hours.getValue() != null) {
      if (hours.getValue() < 1 || hours.getValue() > LONGEST.toHours()) {
        throw new InvalidRequestException(
            "Parameter 'hours' must be between 1 and " + LONGEST.toHours() + ".");
      }
      duration = Duration.ofHours(hours.getValue());
    }

    return duration;
  }

  @Operation(name = OPERATION, type = org.hl7.fhir.r4.model.Patient.class)
  public Parameters statePurpose(
      @OperationParam(name = "patient", min = 1, max = 1) Identifier patient,
      @OperationParam(name = "purpose", min = 1, max = 1) Coding purpose,
      @OperationParam(name = "reason", min = 1, max = 1) StringType reason,
      @OperationParam(name = "hours", max = 1) IntegerType hours,
      RequestDetails request) {
    Caller caller =
        Caller.current()
            .filter(c -> c.role() == Role.SPECIALIST && c.hprNumber() != null)
            .orElseThrow(
                () ->
                    new ForbiddenOperationException(
                        "Only a hospital specialist with an HPR number can state a purpose of"
                            + " use."));
    if (patient == null
        || !AccessScopes.FNR.equals(patient.getSystem())
        || patient.getValue() == null
        || !patient.getValue().matches("\\d{11}")) {
      throw new InvalidRequestException(
          "Parameter 'patient' must be the patient's national id: system "
              + AccessScopes.FNR
              + " and an 11-digit value.");
    }
    SearchParameterMap byId =
        SearchParameterMap.newSynchronous(
            "identifier", new TokenParam(AccessScopes.FNR, patient.getValue()));
    List<IBaseResource> found =
        daoRegistry
            .getResourceDao("Patient")
            .search(byId, new SystemRequestDetails())
            .getAllResources();
    if (found.size() != 1) {
      throw new ResourceNotFoundException(
          found.isEmpty()
              ? "No patient with this national id is registered here."
              : "More than one patient has this national id; ask the home-care service.");
    }
    String patientId = found.get(0).getIdElement().getIdPart();
    Duration duration;
    try {
      duration = validated(purpose, reason, hours);
    } catch (InvalidRequestException refused) {
      // The refusal is audited for the patient it concerned.
      AuditTrail.concerned(request, patientId);
      throw refused;
    }
    Instant until = clock.instant().plus(duration);

    AuditEvent event =
        auditTrail.event(
            caller,
            patientId,
            "E",
            AuditEvent.AuditEventOutcome._0,
            null,
            RestOperationTypeEnum.EXTENDED_OPERATION_TYPE,
            "POST",
            "Patient/" + OPERATION,
            request instanceof ServletRequestDetails servlet
                ? servlet.getServletRequest().getRemoteAddr()
                : null,
            null,
            null);
    event.addSubtype(new Coding(SUBTYPE_SYSTEM, SUBTYPE, "stated purpose of use"));
    event.getPurposeOfEvent().clear();
    event.addPurposeOfEvent(
        new CodeableConcept(
                new Coding(
                    AuditTrail.ACT_REASON, purpose.getCode(), PURPOSES.get(purpose.getCode())))
            .setText(reason.getValue().strip()));
    for (AuditEvent.AuditEventEntityComponent entity : event.getEntity()) {
      if (entity.getWhat().getReference() != null
          && entity.getWhat().getReference().startsWith("Patient/")) {
        entity.addDetail().setType(VALID_UNTIL).setValue(new StringType(until.toString()));
      }
    }
    String recorded =
        daoRegistry
            .getResourceDao("AuditEvent")
            .create(event, new SystemRequestDetails())
            .getId()
            .toUnqualifiedVersionless()
            .getValue();

    Parameters answer = new Parameters();
    answer.addParameter().setName("patient").setValue(new Reference("Patient/" + patientId));
    answer
        .addParameter()
        .setName("validUntil")
        .setValue(new InstantType(java.util.Date.from(until)));
    answer.addParameter().setName("record").setValue(new Reference(recorded));
    return answer;
  }
}
