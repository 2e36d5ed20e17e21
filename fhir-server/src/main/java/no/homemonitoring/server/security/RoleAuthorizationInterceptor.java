package no.homemonitoring.server.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilder;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.IdType;

/**
 * The rules of each role, as HAPI authorization rules: which interactions on which resource types,
 * confined to which patients' compartments (see {@link AccessScopes}). What a relative sees within
 * the compartments is narrowed further by the patient's consents ({@link RelativeConsentService}).
 * Audit records can be written by no one through the API, and nothing is allowed that is not
 * listed.
 */
public class RoleAuthorizationInterceptor extends AuthorizationInterceptor {

  /** Resource types that describe the server and its terminology, not patients. */
  static final List<String> CONFORMANCE =
      List.of("StructureDefinition", "ValueSet", "CodeSystem", "ConceptMap");

  /** Resource types describing people and organisations of the care provider (not patients). */
  static final List<String> DIRECTORY = List.of("Practitioner", "PractitionerRole", "Organization");

  private static final List<String> TERMINOLOGY_OPERATIONS =
      List.of("$expand", "$validate-code", "$lookup", "$translate", "$subsumes", "$validate");

  static final String WHO_CAN_SEE = "$who-can-see";

  /** What a specialist writes: observations, and notes (a clinical note is a DocumentReference). */
  static final List<String> NOTES = List.of("Observation", "DocumentReference");

  private final AccessScopes scopes;
  private final int minSecurityLevel;

  public RoleAuthorizationInterceptor(AccessScopes scopes, int minSecurityLevel) {
    super(PolicyEnum.DENY);
    this.scopes = scopes;
    this.minSecurityLevel = minSecurityLevel;
  }

  @Override
  public List<IAuthRule> buildRuleList(RequestDetails request) {
    Optional<Caller> found = Caller.current();
    RuleBuilder rules = new RuleBuilder();
    rules.allow("CapabilityStatement").metadata().andThen();
    if (found.isEmpty()) {
      return rules.denyAll("The access token gives no role at this server.").build();
    }
    Caller caller = found.get();
    if (caller.isPerson() && caller.securityLevel() < minSecurityLevel) {
      return rules
          .denyAll(
              "Patient data needs an identity of security level "
                  + minSecurityLevel
                  + " or higher.")
          .build();
    }
    // The audit trail is written by the server only.
    rules
        .deny("AuditEvent is written by the server only")
        .write()
        .resourcesOfType("AuditEvent")
        .withAnyId()
        .andThen()
        .deny("AuditEvent is written by the server only")
        .create()
        .resourcesOfType("AuditEvent")
        .withAnyId()
        .andThen()
        .deny("AuditEvent is written by the server only")
        .delete()
        .resourcesOfType("AuditEvent")
        .withAnyId()
        .andThen();
    AccessScope scope = scopes.of(caller);
    List<IIdType> patients =
        scope.unrestricted()
            ? List.of()
            : scope.patientIds().stream().map(id -> (IIdType) new IdType("Patient", id)).toList();
    InPatientCompartments inCompartments =
        scope.unrestricted() ? null : InPatientCompartments.anyOf(scope.patientIds());
    InPatientCompartments allInCompartments =
        scope.unrestricted() ? null : InPatientCompartments.allOf(scope.patientIds());
    switch (caller.role()) {
      case SYSTEM -> {
        rules.allowAll("backend integration (limited by its system/ scopes)");
      }
      case NURSE -> {
        terminology(rules);
        directoryReads(rules);
        if (!patients.isEmpty()) {
          readInCompartments(rules, "nurse: own patients", inCompartments);
          writeInCompartments(rules, "nurse: own patients", null, allInCompartments);
          whoCanSee(rules, "nurse: who can see own patients' data", patients);
        }
        transactions(rules);
      }
      case SPECIALIST -> {
        terminology(rules);
        directoryReads(rules);
        rules
            .allow("specialist: state a purpose of use")
            .operation()
            .named(StatedPurposes.OPERATION)
            .onType(org.hl7.fhir.r4.model.Patient.class)
            .andAllowAllResponses()
            .andThen();
        if (!patients.isEmpty()) {
          readInCompartments(
              rules,
              "specialist: patients with a care relation or a stated purpose of use",
              inCompartments);
          writeInCompartments(
              rules, "specialist: observations and notes", NOTES, allInCompartments);
        }
        transactions(rules);
      }
      case RELATIVE -> {
        rules
            .allow("relative: own record")
            .read()
            .instance(new IdType(caller.fhirUser()))
            .andThen();
        if (!patients.isEmpty()) {
          readInCompartments(rules, "relative: what the patient's consent grants", inCompartments);
        }
      }
      case PATIENT -> {
        terminology(rules);
        if (!patients.isEmpty()) {
          readInCompartments(rules, "patient: own data", inCompartments);
          writeInCompartments(
              rules, "patient: consents for relatives", List.of("Consent"), allInCompartments);
          whoCanSee(rules, "patient: who can see own data", patients);
        }
      }
      case ADMIN -> {
        readWriteCreate(rules, "administrator: conformance resources", CONFORMANCE);
        readWriteCreate(
            rules,
            "administrator: configuration",
            List.of("Practitioner", "PractitionerRole", "Organization", "Subscription"));
        terminologyOperations(rules);
      }
      default -> {
        // VENDOR: the ingest API only.
      }
    }
    return rules.denyAll("Access denied.").build();
  }

  /** Reads of anything in the caller's patients' compartments. */
  private static void readInCompartments(
      IAuthRuleBuilder rules, String name, InPatientCompartments inCompartments) {
    rules.allow(name).read().allResources().withAnyId().withTester(inCompartments).andThen();
  }

  /**
   * Updates and creates of the given types (all if null) in the caller's patients' compartments:
   * the resource written (and, for an update, the one it replaces) must belong to one of them.
   */
  private static void writeInCompartments(
      IAuthRuleBuilder rules,
      String name,
      List<String> types,
      InPatientCompartments inCompartments) {
    if (types == null) {
      rules.allow(name).write().allResources().withAnyId().withTester(inCompartments).andThen();
      rules.allow(name).create().allResources().withAnyId().withTester(inCompartments).andThen();
      return;
    }
    for (String type : types) {
      rules
          .allow(name)
          .write()
          .resourcesOfType(type)
          .withAnyId()
          .withTester(inCompartments)
          .andThen();
      rules
          .allow(name)
          .create()
          .resourcesOfType(type)
          .withAnyId()
          .withTester(inCompartments)
          .andThen();
    }
  }

  /** Reads, updates and creates of the given types, any instance. */
  private static void readWriteCreate(IAuthRuleBuilder rules, String name, List<String> types) {
    for (String type : types) {
      rules.allow(name).read().resourcesOfType(type).withAnyId().andThen();
      rules.allow(name).write().resourcesOfType(type).withAnyId().andThen();
      rules.allow(name).create().resourcesOfType(type).withAnyId().andThen();
    }
  }

  private static void whoCanSee(IAuthRuleBuilder rules, String name, List<IIdType> patients) {
    rules
        .allow(name)
        .operation()
        .named(WHO_CAN_SEE)
        .onInstances(patients)
        .andAllowAllResponses()
        .andThen();
  }

  private static void terminology(IAuthRuleBuilder rules) {
    for (String type : CONFORMANCE) {
      rules.allow("terminology and profiles").read().resourcesOfType(type).withAnyId().andThen();
    }
    terminologyOperations(rules);
  }

  private static void terminologyOperations(IAuthRuleBuilder rules) {
    for (String operation : TERMINOLOGY_OPERATIONS) {
      rules
          .allow("terminology operations")
          .operation()
          .named(operation)
          .onAnyType()
          .andAllowAllResponses()
          .andThen()
          .allow("terminology operations")
          .operation()
          .named(operation)
          .onAnyInstance()
          .andAllowAllResponses()
          .andThen();
    }
  }

  private static void directoryReads(IAuthRuleBuilder rules) {
    for (String type : DIRECTORY) {
      rules.allow("care provider directory").read().resourcesOfType(type).withAnyId().andThen();
    }
  }

  private static void transactions(IAuthRuleBuilder rules) {
    rules
        .allow("transactions, each entry by the rules above")
        .transaction()
        .withAnyOperation()
        .andApplyNormalRules()
        .andThen();
  }
}
