package no.homemonitoring.server.ingest;

import java.time.Instant;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;

/**
 * Where the bridge delivers its Observations and their Provenance: the in-process JPA server
 * ({@link ObservationWriter}) or any FHIR R4 server ({@link RemoteFhirSink}, adapter mode).
 *
 * <p>A write that fails for a reason that may pass (the store is down, slow, overloaded) throws, so
 * the submission is retried with backoff; a write the store refuses for good throws {@link
 * ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException}, so that measurement is rejected
 * with the store's reason and the others are kept.
 */
public interface ObservationSink {

  /**
   * Creates the Observation, or finds it already stored (see {@link ObservationWriter#write}).
   *
   * @param editedAt the vendor's edit time, or null when the payload reports none
   */
  ObservationWriter.Written write(Observation observation, Instant editedAt);

  /** Stores the Provenance of one submission; a second call for the same submission replaces it. */
  void provenance(Provenance provenance);

  /** Where this sink delivers, for logs and the status endpoint. */
  String target();
}
