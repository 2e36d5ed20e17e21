package no.homemonitoring.server.ingest;

/**
 * What became of one measurement of a submission.
 *
 * @param seq its position in the payload (from 0)
 * @param concept the measurement ({@code bp-panel}, {@code pulse}, ...)
 * @param identity its identity, once known
 * @param outcome {@code created}, {@code duplicate}, {@code updated}, {@code rejected}, {@code
 *     quarantined} or {@code skipped}
 * @param reason why, for every outcome but {@code created}
 * @param observationId the Observation it is stored as, if it is
 * @param observationVersion the version of that Observation it made or found
 * @param patientId the patient it was stored for, when this pass stored it (for the audit trail;
 *     not kept in the inbox)
 */
public record MeasurementOutcome(
    int seq,
    String concept,
    String identity,
    String outcome,
    String reason,
    String observationId,
    String observationVersion,
    String patientId) {

  public static final String CREATED = "created";
  public static final String DUPLICATE = "duplicate";
  public static final String UPDATED = "updated";
  public static final String REJECTED = "rejected";
  public static final String QUARANTINED = "quarantined";
  public static final String SKIPPED = "skipped";

  /** An outcome that stored nothing (rejected, quarantined, skipped), with its reason. */
  public static MeasurementOutcome notStored(
      int seq, String concept, String identity, String outcome, String reason) {
    return new MeasurementOutcome(seq, concept, identity, outcome, reason, null, null, null);
  }

  /** Whether this outcome wrote an Observation. */
  public boolean stored() {
    return CREATED.equals(outcome) || UPDATED.equals(outcome);
  }
}
