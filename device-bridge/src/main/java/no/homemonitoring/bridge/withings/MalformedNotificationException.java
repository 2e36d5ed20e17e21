package no.homemonitoring.bridge.withings;

/**
 * A Withings notification body that cannot be read. The webhook still answers 200 (a 4xx only makes
 * Withings resend the same body for hours), logs this message and pulls nothing.
 */
public class MalformedNotificationException extends IllegalArgumentException {

  public MalformedNotificationException(String message) {
    super(message);
  }

  public MalformedNotificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
