package no.homemonitoring.bridge.withings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import no.homemonitoring.bridge.PayloadException;

/**
 * The two Withings calls the pull needs, one HTTP request each, without retries: {@code Measure -
 * Getmeas} and the refresh of a user's tokens. What to do about a failure is {@link
 * WithingsPuller}'s decision. Thread-safe.
 */
public final class WithingsClient {

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final WithingsSettings settings;
  private final HttpClient http;
  private final Clock clock;

  public WithingsClient(WithingsSettings settings) {
    this(settings, Clock.systemUTC());
  }

  /**
   * @param clock the clock a refreshed token's expiry is computed with
   */
  public WithingsClient(WithingsSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
  }

  /**
   * One page of measure groups. An error envelope (HTTP 200, {@code status ≠ 0}) comes back as a
   * page whose {@link GetmeasPage#statusClass()} says what it means.
   *
   * @param offset the {@code offset} of the previous page when paging, else null
   * @throws WithingsTransportException if no answer came in time or its HTTP status was not 2xx
   * @throws PayloadException if the answer is not a Getmeas response
   */
  public GetmeasPage getmeas(String accessToken, GetmeasQuery query, Long offset) {
    Objects.requireNonNull(accessToken, "accessToken");
    return GetmeasPage.parse(post("measure", query.form(offset), accessToken));
  }

  /**
   * A new access token and a new refresh token for a refresh token. The caller must store both
   * before it uses the new access token.
   *
   * @throws WithingsApiException if Withings refused (for example a refresh token it no longer
   *     knows)
   * @throws WithingsTransportException if no answer came in time or its HTTP status was not 2xx
   * @throws PayloadException if the answer is not a token response
   */
  public WithingsTokens refresh(String refreshToken) {
    Objects.requireNonNull(refreshToken, "refreshToken");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("action", "requesttoken");
    form.put("grant_type", "refresh_token");
    form.put("client_id", settings.clientId());
    form.put("client_secret", settings.clientSecret());
    form.put("refresh_token", refreshToken);
    // The expiry counts from before the request: a slow answer makes it earlier, never later.
    Instant requestedAt = clock.instant();
    return tokens(post("v2/oauth2", form, null), requestedAt);
  }

  private byte[] post(String path, Map<String, String> form, String accessToken) {
    URI uri = settings.endpoint(path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(settings.requestTimeout())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    if (accessToken != null) {
      request.header("Authorization", "Bearer " + accessToken);
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw WithingsTransportException.noAnswer(
          "No answer from " + uri + " within " + settings.requestTimeout(), e);
    } catch (IOException e) {
      throw WithingsTransportException.noAnswer("Calling " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw WithingsTransportException.interrupted("Interrupted while calling " + uri, e);
    }
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      throw WithingsTransportException.httpStatus(uri + " answered HTTP " + status, status);
    }
    return response.body();
  }

  private static String encode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(
            field ->
                URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static WithingsTokens tokens(byte[] json, Instant requestedAt) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw PayloadException.badRequest("Not a Withings token response: " + e.getMessage());
    }
    if (root == null || !root.path("status").isIntegralNumber()) {
      throw PayloadException.badRequest("Not a Withings token response: no status");
    }
    int status = root.get("status").intValue();
    if (status != 0) {
      throw new WithingsApiException(status, root.path("error").asText("no error text"));
    }
    JsonNode body = root.path("body");
    String accessToken = body.path("access_token").asText("");
    String refreshToken = body.path("refresh_token").asText("");
    JsonNode expiresIn = body.path("expires_in");
    if (accessToken.isEmpty()
        || refreshToken.isEmpty()
        || !expiresIn.canConvertToLong()
        || expiresIn.asLong() <= 0) {
      throw PayloadException.badRequest(
          "Withings token response lacks access_token, refresh_token or a positive expires_in");
    }
    return new WithingsTokens(
        accessToken, refreshToken, requestedAt.plusSeconds(expiresIn.asLong()));
  }
}
