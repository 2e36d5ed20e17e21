package no.homemonitoring.bridge.withings;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and as which application the bridge calls the Withings API.
 *
 * @param baseUrl {@link #PRODUCTION} in production, a local stub in tests; a trailing slash is
 *     dropped
 * @param clientId the application's OAuth2 client id
 * @param clientSecret the application's OAuth2 client secret (never printed)
 * @param connectTimeout the longest wait for a connection
 * @param requestTimeout the longest wait for one answer; a slower answer counts as a network
 *     failure and is retried like one
 */
public record WithingsSettings(
    URI baseUrl,
    String clientId,
    String clientSecret,
    Duration connectTimeout,
    Duration requestTimeout) {

  /** The Withings API host. */
  public static final URI PRODUCTION = URI.create("https://wbsapi.withings.net");

  public WithingsSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(requestTimeout, "requestTimeout");
    String url = baseUrl.toString();
    if (url.endsWith("/")) {
      baseUrl = URI.create(url.substring(0, url.length() - 1));
    }
  }

  /** The URL of an API path such as {@code measure} or {@code v2/oauth2}. */
  URI endpoint(String path) {
    return URI.create(baseUrl + "/" + path);
  }

  @Override
  public String toString() {
    return "WithingsSettings[baseUrl=%s, clientId=%s, clientSecret=***, connectTimeout=%s, requestTimeout=%s]"
        .formatted(baseUrl, clientId, connectTimeout, requestTimeout);
  }

  private static void requirePositive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + duration);
    }
  }
}
