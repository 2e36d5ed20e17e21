package no.homemonitoring.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Works out which patients a caller may reach, from the data: a nurse those whose managing
 * organisation is the nurse's municipality (legal entity or unit) and those of care teams the nurse
 * is in; a specialist those of care teams they are in (a care relation) and those for whom they
 * stated a purpose of use that still holds ({@link StatedPurposes}); a relative those with a
 * consent naming them; a patient themselves.
 *
 * <p>The answer is kept until any Patient, CareTeam, Organization, Practitioner, RelatedPerson or
 * Consent is written (also inside the server), so a withdrawn consent or a nurse taken off a team
 * counts from the next request on; a consent's period is checked on every request, and an answer
 * that includes a stated purpose is kept no longer than the purpose holds.
 */
@Interceptor
public class AccessScopes {

  public static final String FNR = "urn:oid:2.16.578.1.12.4.1.4.1";
  public static final String HPR = "urn:oid:2.16.578.1.12.4.1.4.4";
  public static final String ORGNR = "urn:oid:2.16.578.1.12.4.1.4.101";
  private static final Set<String> WATCHED =
      Set.of("Patient", "CareTeam", "Organization", "Practitioner", "RelatedPerson", "Consent");
  private static final int MAX_CACHED = 10_000;

  private record Cached(long generation, AccessScope scope) {
    boolean validAt(long current, Instant now) {
      return generation == current && (scope.expires() == null || now.isBefore(scope.expires()));
    }
  }

  private final DaoRegistry daoRegistry;
  private final Clock clock;
  private final AtomicLong generation = new AtomicLong();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public AccessScopes(DaoRegistry daoRegistry, Clock clock) {
    this.daoRegistry = daoRegistry;
    this.clock = clock;
  }

  /**
   * The patients the caller may reach ({@link AccessScope#ALL} for roles not bound to patients).
   */
  public AccessScope of(Caller caller) {
    if (caller.role() == Role.SYSTEM) {
      return AccessScope.ALL;
    }
    if (caller.role() == Role.VENDOR || caller.role() == Role.ADMIN) {
      return AccessScope.NONE;
    }
    String key =
        String.join(
            "|",
            caller.role().name(),
            Objects.toString(caller.fhirUser()),
            Objects.toString(caller.personId()),
            Objects.toString(caller.hprNumber()),
            Objects.toString(caller.legalEntity()),
            Objects.toString(caller.unit()));
    long current = generation.get();
    Cached cached = cache.get(key);
    if (cached != null && cached.validAt(current, clock.instant())) {
      return cached.scope();
    }
    AccessScope scope = resolve(caller);
    if (cache.size() > MAX_CACHED) {
      cache.clear();
    }
    cache.put(key, new Cached(current, scope));
    return scope;
  }

  /** Forget every answer (a resource that decides access changed). */
  public void invalidate() {
    generation.incrementAndGet();
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource) {
    changed(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource oldResource, IBaseResource newResource) {
    changed(newResource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
  public void deleted(IBaseResource resource) {
    changed(resource);
  }

  private void changed(IBaseResource resource) {
    if (resource == null
        || !WATCHED.contains(resource.fhirType()) && !StatedPurposes.isStatement(resource)) {
      return;
    }
    // Before the commit (a request now must not keep an answer from the old data) and after it
    // (an answer worked out between the two saw the old data).
    invalidate();
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
              invalidate();
            }
          });
    }
  }

  private AccessScope resolve(Caller caller) {
    Map<String, List<String>> grounds = new LinkedHashMap<>();
    Map<String, List<Consent>> consents = new LinkedHashMap<>();
    Map<String, Coding> purposes = new LinkedHashMap<>();
    Instant expires = null;
    switch (caller.role()) {
      case NURSE -> {
        for (String orgnr : nonNull(caller.legalEntity(), caller.unit())) {
          for (IBaseResource organization :
              search("Organization", "identifier", new TokenParam(ORGNR, orgnr))) {
            String orgId = organization.getIdElement().toUnqualifiedVersionless().getValue();
            for (IBaseResource patient :
                search("Patient", "organization", new ReferenceParam(orgId))) {
              add(
                  grounds,
                  patient.getIdElement().getIdPart(),
                  "managing organisation " + orgId + " (orgnr " + orgnr + ")");
            }
          }
        }
        careTeams(caller, grounds);
      }
      case SPECIALIST -> {
        careTeams(caller, grounds);
        expires = statedPurposes(caller, grounds, purposes);
      }
      case RELATIVE -> {
        RelatedPerson relative = read("RelatedPerson", caller.fhirUserId(), RelatedPerson.class);
        if (relative == null
            || relative.hasActive() && !relative.getActive()
            || !hasIdentifier(relative.getIdentifier(), FNR, caller.personId())) {
          return AccessScope.NONE;
        }
        for (IBaseResource found :
            search(
                "Consent",
                "actor",
                new ReferenceParam("RelatedPerson/" + relative.getIdElement().getIdPart()))) {
          Consent consent = (Consent) found;
          if (consent.getStatus() != Consent.ConsentState.ACTIVE || !consent.hasPatient()) {
            continue;
          }
          String patientId = consent.getPatient().getReferenceElement().getIdPart();
          consents.computeIfAbsent(patientId, id -> new ArrayList<>()).add(consent);
          add(grounds, patientId, "Consent/" + consent.getIdElement().getIdPart());
        }
      }
      case PATIENT -> {
        Patient patient = read("Patient", caller.fhirUserId(), Patient.class);
        if (patient == null
            || patient.hasActive() && !patient.getActive()
            || !hasIdentifier(patient.getIdentifier(), FNR, caller.personId())) {
          return AccessScope.NONE;
        }
        add(grounds, patient.getIdElement().getIdPart(), "the patient");
      }
      default -> {
        return AccessScope.NONE;
      }
    }
    return new AccessScope(
        Set.copyOf(new LinkedHashSet<>(grounds.keySet())),
        Map.copyOf(grounds),
        Map.copyOf(consents),
        Map.copyOf(purposes),
        expires);
  }

  /**
   * The patients for whom the specialist stated a purpose of use that still holds (not reached
   * through a care team already); returns when the first of them runs out.
   */
  private Instant statedPurposes(
      Caller caller, Map<String, List<String>> grounds, Map<String, Coding> purposes) {
    if (caller.hprNumber() == null) {
      return null;
    }
    Instant now = clock.instant();
    Instant first = null;
    for (StatedPurposes.Statement statement : StatedPurposes.holding(daoRegistry, now, null)) {
      if (!caller.hprNumber().equals(statement.hprNumber())
          || !Objects.equals(caller.legalEntity(), statement.legalEntity())) {
        continue;
      }
      if (!grounds.containsKey(statement.patientId())) {
        purposes.put(statement.patientId(), statement.purpose());
      }
      if (purposes.containsKey(statement.patientId())) {
        add(
            grounds,
            statement.patientId(),
            "stated purpose of use "
                + statement.purpose().getCode()
                + " until "
                + statement.validUntil()
                + " ("
                + statement.record()
                + ")");
        if (first == null || statement.validUntil().isBefore(first)) {
          first = statement.validUntil();
        }
      }
    }
    return first;
  }

  private void careTeams(Caller caller, Map<String, List<String>> grounds) {
    if (caller.hprNumber() == null) {
      return;
    }
    for (IBaseResource practitioner :
        search("Practitioner", "identifier", new TokenParam(HPR, caller.hprNumber()))) {
      String practitionerId = practitioner.getIdElement().toUnqualifiedVersionless().getValue();
      for (IBaseResource found :
          search("CareTeam", "participant", new ReferenceParam(practitionerId))) {
        CareTeam team = (CareTeam) found;
        if (team.getStatus() != CareTeam.CareTeamStatus.ACTIVE
            || !team.hasSubject()
            || !"Patient".equals(team.getSubject().getReferenceElement().getResourceType())) {
          continue;
        }
        add(
            grounds,
            team.getSubject().getReferenceElement().getIdPart(),
            "CareTeam/" + team.getIdElement().getIdPart() + " (" + practitionerId + ")");
      }
    }
  }

  private List<IBaseResource> search(
      String type, String parameter, ca.uhn.fhir.model.api.IQueryParameterType value) {
    SearchParameterMap map = SearchParameterMap.newSynchronous(parameter, value);
    map.setLoadSynchronousUpTo(50_000);
    return daoRegistry
        .getResourceDao(type)
        .search(map, new SystemRequestDetails())
        .getAllResources();
  }

  private <T extends IBaseResource> T read(String type, String id, Class<T> kind) {
    if (id == null) {
      return null;
    }
    try {
      IBaseResource resource =
          daoRegistry.getResourceDao(type).read(new IdType(type, id), new SystemRequestDetails());
      return kind.isInstance(resource) ? kind.cast(resource) : null;
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return null;
    }
  }

  private static boolean hasIdentifier(List<Identifier> identifiers, String system, String value) {
    return value != null
        && identifiers.stream()
            .anyMatch(i -> system.equals(i.getSystem()) && value.equals(i.getValue()));
  }

  private static void add(Map<String, List<String>> grounds, String patientId, String ground) {
    grounds.computeIfAbsent(patientId, id -> new ArrayList<>()).add(ground);
  }

  private static List<String> nonNull(String... values) {
    List<String> list = new ArrayList<>();
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        list.add(value);
      }
    }
    return list;
  }
}
