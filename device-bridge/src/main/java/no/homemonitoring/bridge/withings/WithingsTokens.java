package no.homemonitoring.bridge.withings;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A Withings user's OAuth2 tokens. Each refresh returns a new refresh token that replaces this one:
 * the old one stops working once the new access token is used.
 *
 * @param accessToken the bearer token of API calls (valid for 3 h)
 * @param refreshToken the token that gets the next pair (valid for a year, until it is rotated)
 * @param expiresAt when the access token stops working
 */
public record WithingsTokens(String accessToken, String refreshToken, Instant expiresAt) {

  public WithingsTokens {
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(refreshToken, "refreshToken");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** Whether the access token has less than {@code margin} left at {@code now}. */
  public boolean expiresWithin(Duration margin, Instant now) {
    return !now.plus(margin).isBefore(expiresAt);
  }

  @Override
  public String toString() {
    return "WithingsTokens[accessToken=***, refreshToken=***, expiresAt=" + expiresAt + "]";
  }
}
