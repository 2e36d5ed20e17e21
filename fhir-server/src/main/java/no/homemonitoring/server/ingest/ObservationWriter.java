package no.homemonitoring.server.ingest;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.homemonitoring.server.validation.ProfileValidatingInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * Stores the bridge's Observations in the in-process HAPI JPA server. Each measurement has one
 * resource id, derived from its identity, so retransmissions, re-uploads and concurrent duplicates
 * meet on the same row: the primary key, not a search, is what keeps a second copy out.
 */
public class ObservationWriter implements ObservationSink, IngestProcessor.BatchWrites {

  private static final Logger log = LoggerFactory.getLogger(ObservationWriter.class);
  private static final int CREATE_RACE_RETRIES = 3;

  private final IFhirResourceDao<Observation> observations;
  private final IFhirResourceDao<Provenance> provenances;
  private final IFhirSystemDao<Bundle, Meta> system;

  /** What a write came to, and the version of the Observation it made or found. */
  public record Written(String outcome, String reason, String id, String version) {}

  public ObservationWriter(DaoRegistry daos) {
    this.observations = daos.getResourceDao(Observation.class);
    this.provenances = daos.getResourceDao(Provenance.class);
    this.system = daos.getSystemDao();
  }

  /**
   * Creates the Observation, or finds it already stored.
   *
   * @param editedAt the vendor's edit time, if the payload reports one: a later edit of the same
   *     measurement becomes a new version; without one, a different value under the same identity
   *     is a conflict and the first stays
   */
  @Override
  public void provenance(Provenance provenance) {
    provenances.update(provenance, new SystemRequestDetails());
  }

  @Override
  public Map<String, Observation> existing(List<String> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    TokenOrListParam idList = new TokenOrListParam();
    ids.forEach(id -> idList.addOr(new TokenParam(id)));
    SearchParameterMap map = SearchParameterMap.newSynchronous();
    map.add("_id", idList);
    map.setCount(ids.size());
    Map<String, Observation> found = new HashMap<>();
    for (IBaseResource resource :
        observations.search(map, new SystemRequestDetails()).getResources(0, ids.size())) {
      Observation observation = (Observation) resource;
      found.put(observation.getIdElement().getIdPart(), observation);
    }
    return found;
  }

  @Override
  public void transaction(Bundle transaction) {
    system.transaction(bridge(), transaction);
  }

  @Override
  public String target() {
    return "in-process";
  }

  @Override
  public Written write(Observation observation, Instant editedAt) {
    if (editedAt != null) {
      observation.setIssued(Date.from(editedAt));
    }
    String id = observation.getIdElement().getIdPart();
    for (int attempt = 1; ; attempt++) {
      Optional<Observation> existing = read(id);
      try {
        if (existing.isEmpty()) {
          DaoMethodOutcome created = observations.update(observation, bridge());
          return new Written(MeasurementOutcome.CREATED, null, id, version(created));
        }
        Observation stored = existing.get();
        String storedVersion = stored.getIdElement().getVersionIdPart();
        if (sameContent(stored, observation)) {
          return new Written(MeasurementOutcome.DUPLICATE, "already stored", id, storedVersion);
        }
        if (editedAt != null && isLaterEdit(editedAt, stored)) {
          DaoMethodOutcome updated = observations.update(observation, bridge());
          return new Written(
              MeasurementOutcome.UPDATED, "edited by the vendor", id, version(updated));
        }
        String reason =
            editedAt != null
                ? "not-newer: the stored version is as new as this edit; kept"
                : "conflict: a different value under the same identity without an edit signal;"
                    + " the first is kept";
        log.warn("Observation/{}: {}", id, reason);
        return new Written(MeasurementOutcome.DUPLICATE, reason, id, storedVersion);
      } catch (ResourceVersionConflictException | DataIntegrityViolationException e) {
        // Another delivery of the same measurement created it first; look again.
        if (attempt >= CREATE_RACE_RETRIES) {
          throw e;
        }
      }
    }
  }

  /** A server-internal request that writes Observations the bridge built. */
  private static SystemRequestDetails bridge() {
    SystemRequestDetails request = new SystemRequestDetails();
    request.getUserData().put(ProfileValidatingInterceptor.BUILT_BY_BRIDGE, Boolean.TRUE);
    return request;
  }

  private Optional<Observation> read(String id) {
    try {
      return Optional.of(
          observations.read(
              new org.hl7.fhir.r4.model.IdType("Observation", id), new SystemRequestDetails()));
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return Optional.empty();
    }
  }

  private static boolean isLaterEdit(Instant editedAt, Observation stored) {
    return !stored.hasIssued() || editedAt.isAfter(stored.getIssued().toInstant());
  }

  /** Equal apart from what the server adds (id, version, meta, narrative). */
  public static boolean sameContent(Observation stored, Observation candidate) {
    return comparable(stored).equalsDeep(comparable(candidate));
  }

  private static Resource comparable(Observation observation) {
    Observation copy = observation.copy();
    copy.setIdElement(null);
    copy.setMeta(new Meta());
    copy.setText(null);
    return copy;
  }

  private static String version(DaoMethodOutcome outcome) {
    return outcome.getId() == null ? null : outcome.getId().getVersionIdPart();
  }
}
