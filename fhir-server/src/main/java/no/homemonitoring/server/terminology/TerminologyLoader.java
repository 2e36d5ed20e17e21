package no.homemonitoring.server.terminology;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.MetadataResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the terminology module's CodeSystems, ValueSets and ConceptMaps, and the profiles, into the
 * server's terminology store at start, so that {@code $translate}, {@code $lookup}, {@code
 * $validate-code} and {@code $expand} answer from the same data the bridge uses.
 *
 * <p>Idempotent: each resource is written with its own id (PUT), and HAPI ignores an update without
 * changes, so a restart creates no new versions; a changed file becomes a new version.
 */
public class TerminologyLoader {

  private static final Logger log = LoggerFactory.getLogger(TerminologyLoader.class);

  private final List<MetadataResource> resources;
  private final DaoRegistry daoRegistry;

  public TerminologyLoader(List<MetadataResource> resources, DaoRegistry daoRegistry) {
    this.resources = List.copyOf(resources);
    this.daoRegistry = daoRegistry;
  }

  /** Writes every resource; returns how many were new or changed. */
  public int load() {
    long started = System.nanoTime();
    int changed = 0;
    for (MetadataResource resource : resources) {
      if (write(resource.copy())) {
        changed++;
      }
    }
    log.info(
        "Terminology and profiles: {} resources, {} new or changed, in {} ms",
        resources.size(),
        changed,
        (System.nanoTime() - started) / 1_000_000);
    return changed;
  }

  private <T extends IBaseResource> boolean write(T resource) {
    @SuppressWarnings("unchecked")
    IFhirResourceDao<T> dao = (IFhirResourceDao<T>) daoRegistry.getResourceDao(resource.getClass());
    return !dao.update(resource, new SystemRequestDetails()).isNop();
  }
}
