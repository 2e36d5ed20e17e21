package no.homemonitoring.bridge.withings;

/**
 * A Withings call that got no Withings answer: the connection failed, the answer did not come
 * within the request timeout, or the HTTP status was not 2xx (Withings itself answers 200 and puts
 * its errors in the body).
 */
public class WithingsTransportException extends RuntimeException {

  /** The HTTP status, or 0 if no answer came. */
  private final int httpStatus;

  private final boolean retryable;

  private WithingsTransportException(
      String message, int httpStatus, boolean retryable, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.retryable = retryable;
  }

  /** No answer came (a network failure or the request timeout): worth trying again. */
  static WithingsTransportException noAnswer(String message, Throwable cause) {
    return new WithingsTransportException(message, 0, true, cause);
  }

  /** The calling thread was interrupted: not worth trying again. */
  static WithingsTransportException interrupted(String message, InterruptedException cause) {
    return new WithingsTransportException(message, 0, false, cause);
  }

  /**
   * An HTTP status other than 2xx. A 5xx or 429 is worth trying again; any other status means the
   * request or the base URL is wrong.
   */
  static WithingsTransportException httpStatus(String message, int httpStatus) {
    boolean retryable = httpStatus >= 500 || httpStatus == 429;
    return new WithingsTransportException(message, httpStatus, retryable, null);
  }

  /** The HTTP status of the answer, or 0 if none came. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Whether the same request may succeed later. */
  public boolean isRetryable() {
    return retryable;
  }

  /** Whether the answer was HTTP 429 (too many requests). */
  public boolean isRateLimited() {
    return httpStatus == 429;
  }
}
