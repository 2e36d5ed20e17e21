package no.homemonitoring.server.ingest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * A written Device or Patient may be the binding a quarantined measurement waits for: ask the
 * bridge to try its quarantine again (the periodic sweep would, later).
 */
@Interceptor
public class QuarantineReleaseInterceptor {

  private final IngestWorker worker;

  public QuarantineReleaseInterceptor(IngestWorker worker) {
    this.worker = worker;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource) {
    sweepIfBinding(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource) {
    sweepIfBinding(resource);
  }

  private void sweepIfBinding(IBaseResource resource) {
    String type = resource.fhirType();
    if ("Device".equals(type) || "Patient".equals(type)) {
      worker.requestQuarantineSweep();
    }
  }
}
