package no.homemonitoring.bridge;

/**
 * A payload that cannot be read as a whole (bad encoding, unknown format, a truncated frame). The
 * caller answers with {@link #status()} and stores nothing.
 */
public class PayloadException extends RuntimeException {

  private final int status;

  public PayloadException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** 400 for a payload that cannot be parsed, 422 for one that parses but breaks a rule. */
  public int status() {
    return status;
  }

  public static PayloadException badRequest(String message) {
    return new PayloadException(400, message);
  }

  public static PayloadException unprocessable(String message) {
    return new PayloadException(422, message);
  }
}
