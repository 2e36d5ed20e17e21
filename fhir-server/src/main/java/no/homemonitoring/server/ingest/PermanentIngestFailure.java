package no.homemonitoring.server.ingest;

/**
 * A failure that trying again cannot mend (the vendor's user must authorise the bridge again, the
 * request is wrong): the submission becomes a dead letter at once, with this reason, and can be
 * replayed once the cause is fixed.
 */
public class PermanentIngestFailure extends RuntimeException {

  public PermanentIngestFailure(String message) {
    super(message);
  }
}
