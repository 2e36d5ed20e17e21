package no.homemonitoring.server.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import ca.uhn.fhir.util.FhirTerser;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;

/**
 * A relative sees a resource only if an active Consent of its patient permits it to that relative
 * now: the consent's period, its action ({@code access}), its resource classes and codes, its data
 * period, minus its nested deny provisions. Every other caller is decided by the authorization
 * rules alone.
 */
public class RelativeConsentService implements IConsentService {

  /** Request attribute: the consents that granted something in this request (for the audit). */
  public static final String USED_CONSENTS = RelativeConsentService.class.getName() + ".used";

  /** Request attribute: per patient id, how many resources consent withheld in this request. */
  public static final String WITHHELD = RelativeConsentService.class.getName() + ".withheld";

  private static final String RESOURCE_TYPES = "http://hl7.org/fhir/resource-types";

  private final AccessScopes scopes;
  private final FhirTerser terser;
  private final Clock clock;

  public RelativeConsentService(AccessScopes scopes, FhirContext fhirContext, Clock clock) {
    this.scopes = scopes;
    this.terser = fhirContext.newTerser();
    this.clock = clock;
  }

  @Override
  public ConsentOutcome startOperation(RequestDetails request, IConsentContextServices services) {
    Optional<Caller> caller = Caller.current();
    return caller.isPresent() && caller.get().role() == Role.RELATIVE
        ? ConsentOutcome.PROCEED
        : ConsentOutcome.AUTHORIZED;
  }

  @Override
  public boolean shouldProcessCanSeeResource(
      RequestDetails request, IConsentContextServices services) {
    return true;
  }

  @Override
  public ConsentOutcome canSeeResource(
      RequestDetails request, IBaseResource resource, IConsentContextServices services) {
    return decide(request, resource);
  }

  @Override
  public ConsentOutcome willSeeResource(
      RequestDetails request, IBaseResource resource, IConsentContextServices services) {
    return decide(request, resource);
  }

  private ConsentOutcome decide(RequestDetails request, IBaseResource resource) {
    Optional<Caller> found = Caller.current();
    if (found.isEmpty() || found.get().role() != Role.RELATIVE) {
      return ConsentOutcome.AUTHORIZED;
    }
    Caller caller = found.get();
    String type = resource.fhirType();
    if (type.equals("OperationOutcome") || type.equals("Bundle")) {
      return ConsentOutcome.PROCEED;
    }
    if (type.equals("RelatedPerson")
        && resource.getIdElement().getIdPart() != null
        && resource.getIdElement().getIdPart().equals(caller.fhirUserId())) {
      return ConsentOutcome.AUTHORIZED;
    }
    AccessScope scope = scopes.of(caller);
    Date now = Date.from(clock.instant());
    List<String> owners = ownersOf(resource);
    for (String patientId : owners) {
      for (Consent consent : scope.consents().getOrDefault(patientId, List.of())) {
        if (permits(consent, caller, resource, now)) {
          used(request, consent);
          return ConsentOutcome.AUTHORIZED;
        }
      }
    }
    // The refusal is a consent decision about these patients: their trails show it, each with
    // its own count (another patient's would tell the size of that patient's record).
    @SuppressWarnings("unchecked")
    Map<String, Integer> withheld =
        (Map<String, Integer>)
            request.getUserData().computeIfAbsent(WITHHELD, key -> new HashMap<String, Integer>());
    for (String patientId : owners) {
      withheld.merge(patientId, 1, Integer::sum);
      AuditTrail.withheldFrom(request, patientId);
    }
    return ConsentOutcome.REJECT;
  }

  private List<String> ownersOf(IBaseResource resource) {
    List<String> owners = new ArrayList<>();
    if (resource.fhirType().equals("Patient")) {
      owners.add(resource.getIdElement().getIdPart());
      return owners;
    }
    for (IIdType owner :
        terser.getCompartmentOwnersForResource("Patient", resource, (java.util.Set<String>) null)) {
      owners.add(owner.getIdPart());
    }
    return owners;
  }

  /** Whether the consent lets this relative see this resource at this moment. */
  boolean permits(Consent consent, Caller caller, IBaseResource resource, Date now) {
    if (consent.getStatus() != Consent.ConsentState.ACTIVE) {
      return false;
    }
    Consent.ProvisionComponent provision = consent.getProvision();
    if (provision.getType() != Consent.ConsentProvisionType.PERMIT) {
      return false;
    }
    boolean actorNamed =
        provision.getActor().stream()
            .anyMatch(
                actor ->
                    ("RelatedPerson/" + caller.fhirUserId())
                        .equals(
                            actor
                                .getReference()
                                .getReferenceElement()
                                .toUnqualifiedVersionless()
                                .getValue()));
    if (!actorNamed) {
      return false;
    }
    if (provision.hasAction()
        && provision.getAction().stream()
            .noneMatch(
                action ->
                    action.getCoding().stream().anyMatch(c -> "access".equals(c.getCode())))) {
      return false;
    }
    if (!matches(provision, resource, now)) {
      return false;
    }
    for (Consent.ProvisionComponent nested : provision.getProvision()) {
      if (nested.getType() == Consent.ConsentProvisionType.DENY && matches(nested, resource, now)) {
        return false;
      }
    }
    return true;
  }

  /** Whether a provision applies to the resource: period (now), classes, codes, data period. */
  private static boolean matches(
      Consent.ProvisionComponent provision, IBaseResource resource, Date now) {
    if (provision.hasPeriod() && !within(provision.getPeriod(), now)) {
      return false;
    }
    if (provision.hasClass_()
        && provision.getClass_().stream()
            .noneMatch(
                c ->
                    (c.getSystem() == null || RESOURCE_TYPES.equals(c.getSystem()))
                        && resource.fhirType().equals(c.getCode()))) {
      return false;
    }
    if (provision.hasCode()) {
      List<Coding> codes = codesOf(resource);
      boolean coded =
          provision.getCode().stream()
              .flatMap(concept -> concept.getCoding().stream())
              .anyMatch(
                  wanted ->
                      codes.stream()
                          .anyMatch(
                              have ->
                                  wanted.getCode() != null
                                      && wanted.getCode().equals(have.getCode())
                                      && (wanted.getSystem() == null
                                          || wanted.getSystem().equals(have.getSystem()))));
      if (!coded) {
        return false;
      }
    }
    if (provision.hasDataPeriod()) {
      Date when = dateOf(resource);
      return when != null && within(provision.getDataPeriod(), when);
    }
    return true;
  }

  private static boolean within(Period period, Date when) {
    return (!period.hasStart() || !when.before(period.getStart()))
        && (!period.hasEnd() || when.before(period.getEnd()));
  }

  private static List<Coding> codesOf(IBaseResource resource) {
    if (resource instanceof Observation observation) {
      return observation.getCode().getCoding();
    }
    return List.of();
  }

  private static Date dateOf(IBaseResource resource) {
    if (resource instanceof Observation observation) {
      if (observation.hasEffectiveDateTimeType()) {
        return observation.getEffectiveDateTimeType().getValue();
      }
      if (observation.hasEffectivePeriod()) {
        return observation.getEffectivePeriod().getStart();
      }
      if (observation.hasEffectiveInstantType()) {
        return observation.getEffectiveInstantType().getValue();
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static void used(RequestDetails request, Consent consent) {
    List<String> used =
        (List<String>)
            request.getUserData().computeIfAbsent(USED_CONSENTS, key -> new ArrayList<String>());
    String id = "Consent/" + consent.getIdElement().getIdPart();
    if (!used.contains(id)) {
      used.add(id);
    }
  }

  /**
   * Consent checks run only for relatives: HAPI's consent interceptor otherwise refuses {@code
   * _total=accurate} and {@code _summary=count} and strips {@code Bundle.total} for every caller,
   * which only a relative's view needs (a total must not count what consent withholds).
   */
  @ca.uhn.fhir.interceptor.api.Interceptor
  public static class OnlyForRelatives {
    @ca.uhn.fhir.interceptor.api.Hook(
        ca.uhn.fhir.interceptor.api.Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public void skipForOthers(RequestDetails request) {
      Optional<Caller> caller = Caller.current();
      if (caller.isPresent() && caller.get().role() == Role.RELATIVE) {
        // _has and friends filter by resources the relative may not see: whether a result comes
        // back would tell what consent withholds.
        for (String name : request.getParameters().keySet()) {
          if (name.startsWith("_has")
              || name.equals("_contained")
              || name.equals("_filter")
              || name.equals("_query")
              || name.contains(".")) {
            throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
                "The search parameter " + name + " is not available to relatives.");
          }
        }
      }
      if (caller.isEmpty() || caller.get().role() != Role.RELATIVE) {
        ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor.skipAllConsentForRequest(
            request);
      }
    }
  }
}
