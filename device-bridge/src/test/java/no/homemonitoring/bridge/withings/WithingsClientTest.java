package no.homemonitoring.bridge.withings;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static no.homemonitoring.bridge.withings.WithingsStub.CLIENT_ID;
import static no.homemonitoring.bridge.withings.WithingsStub.CLIENT_SECRET;
import static no.homemonitoring.bridge.withings.WithingsStub.answer;
import static no.homemonitoring.bridge.withings.WithingsStub.getmeas;
import static no.homemonitoring.bridge.withings.WithingsStub.getmeasRequests;
import static no.homemonitoring.bridge.withings.WithingsStub.refreshRequests;
import static no.homemonitoring.bridge.withings.WithingsStub.refreshWith;
import static no.homemonitoring.bridge.withings.WithingsStub.tokens;
import static no.homemonitoring.bridge.withings.WithingsTestData.example;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import no.homemonitoring.bridge.PayloadException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The two HTTP calls, one request each, against a stubbed Withings API. */
class WithingsClientTest {

  @RegisterExtension
  static final WireMockExtension withings =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final Instant NOW = Instant.parse("2025-01-06T07:10:00Z");

  @BeforeAll
  static void warmUp() throws Exception {
    WithingsStub.warmUp(withings);
  }

  private final WithingsClient client =
      new WithingsClient(settings(withings.baseUrl()), Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void getmeasPostsTheDocumentedFormWithTheBearerToken() {
    withings.stubFor(getmeas().willReturn(answer(example("withings-getmeas-bp.json"))));

    GetmeasPage page =
        client.getmeas(
            "access-1", GetmeasQuery.updatedSince(Instant.ofEpochSecond(1736140000)), 5L);

    assertThat(page.isOk()).isTrue();
    assertThat(page.groups())
        .singleElement()
        .extracting(GetmeasPage.MeasureGroup::groupId)
        .isEqualTo(6123456789L);
    withings.verify(
        exactly(1),
        getmeasRequests()
            .withHeader("Authorization", equalTo("Bearer access-1"))
            .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
            .withFormParam("action", equalTo("getmeas"))
            .withFormParam("meastypes", equalTo("1,4,9,10,11,54"))
            .withFormParam("category", equalTo("1"))
            .withFormParam("lastupdate", equalTo("1736140000"))
            .withFormParam("offset", equalTo("5")));
  }

  @Test
  void anErrorEnvelopeIsReturnedAsAPageWithItsStatus() {
    withings.stubFor(getmeas().willReturn(answer(example("withings-getmeas-error.json"))));

    GetmeasPage page =
        client.getmeas("access-1", GetmeasQuery.updatedSince(Instant.ofEpochSecond(1)), null);

    assertThat(page.isOk()).isFalse();
    assertThat(page.statusClass()).isEqualTo(WithingsStatus.AUTH);
  }

  @Test
  void aRefreshPostsTheRefreshTokenAndReturnsTheRotatedPairWithItsExpiry() {
    withings.stubFor(refreshWith("refresh-1").willReturn(tokens("access-2", "refresh-2")));

    WithingsTokens refreshed = client.refresh("refresh-1");

    assertThat(refreshed)
        .isEqualTo(new WithingsTokens("access-2", "refresh-2", NOW.plusSeconds(10800)));
    withings.verify(exactly(1), refreshRequests().withHeader("Authorization", absent()));
  }

  @Test
  void aRefusedRefreshIsAnApiExceptionWithTheStatus() {
    withings.stubFor(
        refreshWith("refresh-1")
            .willReturn(answer("{\"status\": 503, \"error\": \"Invalid Params\"}")));

    assertThatThrownBy(() -> client.refresh("refresh-1"))
        .isInstanceOfSatisfying(
            WithingsApiException.class, e -> assertThat(e.status()).isEqualTo(503));
  }

  @Test
  void aTokenAnswerWithoutARefreshTokenIsUnreadable() {
    withings.stubFor(
        refreshWith("refresh-1")
            .willReturn(
                answer(
                    "{\"status\": 0, \"body\": {\"access_token\": \"a\", \"expires_in\": 10800}}")));

    assertThatThrownBy(() -> client.refresh("refresh-1")).isInstanceOf(PayloadException.class);
  }

  @Test
  void anHttpServerErrorIsARetryableTransportFailure() {
    withings.stubFor(getmeas().willReturn(aResponse().withStatus(503)));

    assertThatThrownBy(
            () -> client.getmeas("a", GetmeasQuery.updatedSince(Instant.ofEpochSecond(1)), null))
        .isInstanceOfSatisfying(
            WithingsTransportException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(503);
              assertThat(e.isRetryable()).isTrue();
            });
  }

  @Test
  void anHttpClientErrorIsNotRetryable() {
    withings.stubFor(getmeas().willReturn(aResponse().withStatus(404)));

    assertThatThrownBy(
            () -> client.getmeas("a", GetmeasQuery.updatedSince(Instant.ofEpochSecond(1)), null))
        .isInstanceOfSatisfying(
            WithingsTransportException.class, e -> assertThat(e.isRetryable()).isFalse());
  }

  @Test
  void anAnswerSlowerThanTheRequestTimeoutIsARetryableTransportFailure() {
    withings.stubFor(
        getmeas().willReturn(answer(example("withings-getmeas-bp.json")).withFixedDelay(3000)));

    assertThatThrownBy(
            () -> client.getmeas("a", GetmeasQuery.updatedSince(Instant.ofEpochSecond(1)), null))
        .isInstanceOfSatisfying(
            WithingsTransportException.class,
            e -> {
              assertThat(e.httpStatus()).isZero();
              assertThat(e.isRetryable()).isTrue();
              assertThat(e).hasMessageContaining("No answer");
            });
  }

  @Test
  void aTrailingSlashOnTheBaseUrlIsDropped() {
    withings.stubFor(getmeas().willReturn(answer(example("withings-getmeas-bp.json"))));
    WithingsClient slashed = new WithingsClient(settings(withings.baseUrl() + "/"));

    slashed.getmeas("a", GetmeasQuery.updatedSince(Instant.ofEpochSecond(1)), null);

    withings.verify(exactly(1), getmeasRequests());
  }

  @Test
  void secretsAreNeverPrinted() {
    WithingsTokens tokens = new WithingsTokens("access-secret", "refresh-secret", NOW);

    assertThat(settings(withings.baseUrl()).toString()).doesNotContain(CLIENT_SECRET);
    assertThat(tokens.toString()).doesNotContain("access-secret").doesNotContain("refresh-secret");
  }

  private static WithingsSettings settings(String baseUrl) {
    return new WithingsSettings(
        URI.create(baseUrl),
        CLIENT_ID,
        CLIENT_SECRET,
        Duration.ofSeconds(2),
        Duration.ofSeconds(1));
  }
}
