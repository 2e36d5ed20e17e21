package no.homemonitoring.bridge.withings;

/**
 * A Withings error envelope ({@code status ≠ 0}) where measurements were expected. It is a failure
 * of the pull, never an empty result: the watermark stays where it was.
 */
public class WithingsApiException extends RuntimeException {

  private final int status;

  public WithingsApiException(int status, String error) {
    super("Withings status " + status + " (" + WithingsStatus.of(status) + "): " + error);
    this.status = status;
  }

  /** The Withings status code. */
  public int status() {
    return status;
  }

  /** What the puller should do about it. */
  public WithingsStatus statusClass() {
    return WithingsStatus.of(status);
  }
}
