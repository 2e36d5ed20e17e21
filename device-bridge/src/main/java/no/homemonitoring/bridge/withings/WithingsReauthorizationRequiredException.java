package no.homemonitoring.bridge.withings;

/**
 * The bridge can no longer act for a Withings user: no tokens are stored, Withings refused the
 * refresh token, or it rejected the freshly refreshed access token. Only the user can fix it, by
 * authorising the bridge again; staff should be alerted.
 */
public class WithingsReauthorizationRequiredException extends RuntimeException {

  private final String userId;

  public WithingsReauthorizationRequiredException(String userId, String reason, Throwable cause) {
    super("Withings user " + userId + " must authorise the bridge again: " + reason, cause);
    this.userId = userId;
  }

  /** The Withings user id. */
  public String userId() {
    return userId;
  }
}
