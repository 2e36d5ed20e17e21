package no.homemonitoring.bridge.withings;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Supplier;

/** Stubs and request patterns of the Withings API, for WireMock. */
final class WithingsStub {

  static final String CLIENT_ID = "bridge-client";
  static final String CLIENT_SECRET = "bridge-secret";

  private WithingsStub() {}

  /**
   * Sends a few requests to a fresh WireMock: its first answers take longer than the tests' short
   * request timeouts (class loading), which would turn a test's first request into a retry.
   */
  static void warmUp(WireMockExtension withings) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 3; i++) {
      http.send(
          HttpRequest.newBuilder(URI.create(withings.baseUrl() + "/warm-up"))
              .POST(HttpRequest.BodyPublishers.ofString("action=warm-up"))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }
  }

  /** A Getmeas request. */
  static MappingBuilder getmeas() {
    return post(urlEqualTo("/measure")).withFormParam("action", equalTo("getmeas"));
  }

  /** A Getmeas request with this bearer token. */
  static MappingBuilder getmeasWith(String accessToken) {
    return getmeas().withHeader("Authorization", equalTo("Bearer " + accessToken));
  }

  static RequestPatternBuilder getmeasRequests() {
    return postRequestedFor(urlEqualTo("/measure"));
  }

  /** A refresh with this refresh token. */
  static MappingBuilder refreshWith(String refreshToken) {
    return post(urlEqualTo("/v2/oauth2"))
        .withFormParam("action", equalTo("requesttoken"))
        .withFormParam("grant_type", equalTo("refresh_token"))
        .withFormParam("client_id", equalTo(CLIENT_ID))
        .withFormParam("client_secret", equalTo(CLIENT_SECRET))
        .withFormParam("refresh_token", equalTo(refreshToken));
  }

  static RequestPatternBuilder refreshRequests() {
    return postRequestedFor(urlEqualTo("/v2/oauth2"));
  }

  /** HTTP 200 with a JSON body, the way Withings answers everything. */
  static ResponseDefinitionBuilder answer(byte[] json) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(json);
  }

  static ResponseDefinitionBuilder answer(String json) {
    return answer(json.getBytes(StandardCharsets.UTF_8));
  }

  /** An error envelope with this status. */
  static ResponseDefinitionBuilder status(int status) {
    return answer(
        "{\"status\": %d, \"body\": {}, \"error\": \"status %d from the stub\"}"
            .formatted(status, status));
  }

  /** A successful refresh giving this pair, valid for the documented 3 h. */
  static ResponseDefinitionBuilder tokens(String accessToken, String refreshToken) {
    return answer(
        """
        {"status": 0, "body": {"userid": "38271234", "access_token": "%s",
         "refresh_token": "%s", "expires_in": 10800, "scope": "user.metrics",
         "token_type": "Bearer"}}
        """
            .formatted(accessToken, refreshToken));
  }

  /**
   * Answers requests matching {@code request} with {@code answers} in turn; the last one repeats.
   * The supplier gives a fresh builder per step: WireMock's builders are mutable.
   */
  static void inTurn(
      WireMockExtension withings,
      Supplier<MappingBuilder> request,
      ResponseDefinitionBuilder... answers) {
    String scenario = "in turn " + UUID.randomUUID();
    for (int i = 0; i < answers.length; i++) {
      ScenarioMappingBuilder step =
          request
              .get()
              .inScenario(scenario)
              .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer " + i)
              .willReturn(answers[i]);
      if (i < answers.length - 1) {
        step = step.willSetStateTo("answer " + (i + 1));
      }
      withings.stubFor(step);
    }
  }
}
