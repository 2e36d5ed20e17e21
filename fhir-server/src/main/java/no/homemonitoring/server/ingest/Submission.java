package no.homemonitoring.server.ingest;

import java.time.Instant;

/**
 * One acknowledged payload as the inbox holds it.
 *
 * @param id the submission id the vendor got in the acknowledgement
 * @param status {@code received}, {@code processing}, {@code retry}, {@code done} or {@code dead}
 * @param attempts how often processing has started
 * @param quarantined how many of its measurements wait for a patient or device binding
 */
public record Submission(
    String id,
    String vendor,
    String format,
    Instant receivedAt,
    String payloadSha256,
    byte[] payload,
    String status,
    int attempts,
    Instant nextAttemptAt,
    String lastError,
    int quarantined) {

  public static final String RECEIVED = "received";
  public static final String PROCESSING = "processing";
  public static final String RETRY = "retry";
  public static final String DONE = "done";
  public static final String DEAD = "dead";
}
