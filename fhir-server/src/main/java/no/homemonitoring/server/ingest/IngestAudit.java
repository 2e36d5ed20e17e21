package no.homemonitoring.server.ingest;

import java.util.List;

/**
 * Told what a vendor's submission wrote into which patients' records, once it is stored, so that
 * the patients' audit trails show the vendor's writes beside the people's reads.
 */
@FunctionalInterface
public interface IngestAudit {

  /** The outcomes of one processing pass; those it stored carry their patient. */
  void stored(Submission submission, List<MeasurementOutcome> outcomes);
}
