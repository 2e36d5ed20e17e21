package no.homemonitoring.server.search;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Tells {@link PatientSearchCache} about every write that can change a cached search: an
 * Observation created, updated or deleted (for its patient, old and new), and search parameters or
 * expunges (for everything). Each change is reported before the commit and again after it, so that
 * no search running in between can store what it read.
 */
@Interceptor
public class PatientSearchCacheInvalidator {

  private static final java.util.Set<String> DECIDES_ACCESS =
      java.util.Set.of(
          "SearchParameter",
          "Patient",
          "CareTeam",
          "Organization",
          "Practitioner",
          "RelatedPerson",
          "Consent");

  private final PatientSearchCache cache;

  public PatientSearchCacheInvalidator(PatientSearchCache cache) {
    this.cache = cache;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource) {
    changed(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource current) {
    changed(previous);
    changed(current);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
  public void deleted(IBaseResource resource) {
    changed(resource);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_EXPUNGE_EVERYTHING)
  public void expungeEverything() {
    everything();
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_EXPUNGE_RESOURCE)
  public void expungeResource() {
    everything();
  }

  private void changed(IBaseResource resource) {
    if (resource instanceof Observation observation) {
      String patient = patientOf(observation.getSubject());
      if (patient == null) {
        if (observation.getSubject().hasReference()) {
          everything();
        }
        return;
      }
      cache.patientChanged(patient);
      afterCommit(() -> cache.patientChanged(patient));
    } else if (resource != null
        && (DECIDES_ACCESS.contains(resource.fhirType())
            || no.homemonitoring.server.security.StatedPurposes.isStatement(resource))) {
      // A search parameter changes what a query means; the others change who may see what (a
      // consent withdrawn, a nurse taken off a care team): no stored answer may outlive them.
      everything();
    }
  }

  private void everything() {
    cache.everythingChanged();
    afterCommit(cache::everythingChanged);
  }

  private static String patientOf(Reference subject) {
    if (!subject.hasReference()) {
      return null;
    }
    IIdType id = subject.getReferenceElement();
    return "Patient".equals(id.getResourceType()) && id.hasIdPart() ? id.getIdPart() : null;
  }

  private static void afterCommit(Runnable action) {
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
              action.run();
            }
          });
    }
  }
}
