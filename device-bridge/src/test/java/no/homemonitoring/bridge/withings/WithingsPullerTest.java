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
import static no.homemonitoring.bridge.withings.WithingsStub.getmeasWith;
import static no.homemonitoring.bridge.withings.WithingsStub.inTurn;
import static no.homemonitoring.bridge.withings.WithingsStub.refreshRequests;
import static no.homemonitoring.bridge.withings.WithingsStub.refreshWith;
import static no.homemonitoring.bridge.withings.WithingsStub.status;
import static no.homemonitoring.bridge.withings.WithingsStub.tokens;
import static no.homemonitoring.bridge.withings.WithingsTestData.JANUARY;
import static no.homemonitoring.bridge.withings.WithingsTestData.USER;
import static no.homemonitoring.bridge.withings.WithingsTestData.example;
import static no.homemonitoring.bridge.withings.WithingsTestData.group;
import static no.homemonitoring.bridge.withings.WithingsTestData.measure;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import no.homemonitoring.bridge.Component;
import no.homemonitoring.bridge.Decoded;
import no.homemonitoring.bridge.MeasurementRules;
import no.homemonitoring.bridge.Reading;
import no.homemonitoring.bridge.withings.WithingsPullResult.Defect;
import no.homemonitoring.bridge.withings.WithingsPullResult.Pulled;
import no.homemonitoring.bridge.withings.WithingsPullResult.ReauthorizationRequired;
import no.homemonitoring.bridge.withings.WithingsPullResult.Unavailable;
import no.homemonitoring.terminology.Terminology;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pull against a stubbed Withings API: §2.2, §2.3, §11 and §12 cases 10 to 12. */
class WithingsPullerTest {

  @RegisterExtension
  static final WireMockExtension withings =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final Instant NOW = Instant.parse("2025-01-06T07:10:00Z");

  /** Short, so that a slower answer times out quickly; WireMock is warmed up for it. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);

  private static final Duration SLOWER_THAN_THE_TIMEOUT = Duration.ofMillis(2000);

  /** {@code body.updatetime} of {@code withings-getmeas-bp.json}. */
  private static final Instant BP_UPDATETIME = Instant.ofEpochSecond(1736147190);

  private static final WithingsTokens VALID_FOR_TWO_HOURS =
      new WithingsTokens("access-1", "refresh-1", NOW.plus(Duration.ofHours(2)));

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final InMemoryWithingsTokenStore store = new InMemoryWithingsTokenStore();
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private final WithingsMeasureMapper mapper =
      new WithingsMeasureMapper(new MeasurementRules(Terminology.bundled()));

  private WithingsPuller puller;

  @BeforeAll
  static void warmUp() throws Exception {
    WithingsStub.warmUp(withings);
  }

  @BeforeEach
  void setUp() {
    WithingsSettings settings =
        new WithingsSettings(
            URI.create(withings.baseUrl()),
            CLIENT_ID,
            CLIENT_SECRET,
            Duration.ofSeconds(2),
            REQUEST_TIMEOUT);
    WithingsClient client = new WithingsClient(settings, clock);
    WithingsAccessTokens tokens = new WithingsAccessTokens(client, store, clock);
    puller = new WithingsPuller(client, tokens, mapper, WithingsRetryPolicy.DEFAULT, waits::add);
    store.put(USER, VALID_FOR_TWO_HOURS);
  }

  /** §11: the notification and the Getmeas answer of the examples. */
  @Nested
  class Examples {

    @Test
    void theBloodPressureNotificationPullsItsWindowAndGivesThePanelAndThePulse() {
      withings.stubFor(
          getmeasWith("access-1")
              .withFormParam("meastypes", equalTo("1,4,9,10,11,54"))
              .withFormParam("category", equalTo("1"))
              .withFormParam("startdate", equalTo("1736147112"))
              .withFormParam("enddate", equalTo("1736147113"))
              .withFormParam("lastupdate", absent())
              .withFormParam("offset", absent())
              .willReturn(answer(example("withings-getmeas-bp.json"))));
      WithingsNotification notification =
          WithingsNotification.parse(example("withings-notification-bp.form"));

      Pulled pulled = pulled(puller.pull(notification, null));

      assertThat(pulled.outcomes())
          .extracting(Decoded::concept)
          .containsExactly("bp-panel", "pulse");
      Reading panel = reading(pulled, "bp-panel");
      assertThat(panel.identity()).isEqualTo("withings-38271234-6123456789-bp-panel");
      assertThat(panel.components())
          .extracting(Component::value)
          .map(value -> ((Quantity) value).getValue().toPlainString())
          .containsExactly("138", "84");
      assertThat(panel.components())
          .extracting(component -> ((Quantity) component.value()).getCode())
          .containsOnly("mm[Hg]");
      assertThat(panel.effective()).hasToString("2025-01-06T08:05:12+01:00");
      assertThat(panel.device().model()).isEqualTo("BPM Connect");
      Reading pulse = reading(pulled, "pulse");
      assertThat(pulse.value().getValue().toPlainString()).isEqualTo("72");
      assertThat(pulse.value().getCode()).isEqualTo("/min");
      assertThat(pulse.codings())
          .anySatisfy(
              coding -> {
                assertThat(coding.getSystem()).isEqualTo("urn:iso:std:iso:11073:10101");
                assertThat(coding.getCode()).isEqualTo("149546");
              });
      assertThat(pulse.effective()).hasToString("2025-01-06T08:05:12+01:00");
      assertThat(pulled.watermark()).isEqualTo(BP_UPDATETIME);
      assertThat(pulled.pages()).isEqualTo(1);
      withings.verify(exactly(0), refreshRequests());
      assertThat(waits).isEmpty();
    }

    @Test
    void aUserWithAWatermarkGetsEverythingUpdatedSinceInsteadOfTheWindow() {
      Instant watermark = Instant.ofEpochSecond(1736140000);
      withings.stubFor(
          getmeasWith("access-1")
              .withFormParam("lastupdate", equalTo("1736140000"))
              .withFormParam("startdate", absent())
              .withFormParam("enddate", absent())
              .willReturn(answer(example("withings-getmeas-bp.json"))));
      WithingsNotification notification =
          WithingsNotification.parse(example("withings-notification-bp.form"));

      Pulled pulled = pulled(puller.pull(notification, watermark));

      assertThat(pulled.readings()).hasSize(2);
      assertThat(pulled.watermark()).isEqualTo(BP_UPDATETIME);
    }
  }

  /** §12 case 10: {@code more=1} fetches the next page; the watermark moves only at the end. */
  @Nested
  class Paging {

    private final String firstPage =
        """
        {"status": 0, "body": {"updatetime": %d, "timezone": "Europe/Oslo", "more": 1,
         "offset": 1, "measuregrps": [%s]}}
        """
            .formatted(JANUARY + 100, group(7001, JANUARY, measure(1, 82350, -3)));

    @Test
    void theNextPageIsFetchedWithTheOffsetAndTheWatermarkIsTheLastPages() {
      withings.stubFor(getmeas().withFormParam("offset", absent()).willReturn(answer(firstPage)));
      withings.stubFor(
          getmeas()
              .withFormParam("offset", equalTo("1"))
              .withFormParam("lastupdate", equalTo(String.valueOf(JANUARY)))
              .willReturn(answer(example("withings-getmeas-bp.json"))));

      Pulled pulled =
          pulled(puller.pull(USER, GetmeasQuery.updatedSince(Instant.ofEpochSecond(JANUARY))));

      assertThat(pulled.outcomes())
          .extracting(Decoded::concept)
          .containsExactly("body-weight", "bp-panel", "pulse");
      assertThat(pulled.pages()).isEqualTo(2);
      assertThat(pulled.watermark()).isEqualTo(BP_UPDATETIME);
      withings.verify(exactly(2), getmeasRequests());
    }

    @Test
    void aFailureOnALaterPageGivesNoOutcomesAndNoWatermark() {
      withings.stubFor(getmeas().withFormParam("offset", absent()).willReturn(answer(firstPage)));
      withings.stubFor(
          getmeas().withFormParam("offset", equalTo("1")).willReturn(aResponse().withStatus(502)));

      WithingsPullResult result =
          puller.pull(USER, GetmeasQuery.updatedSince(Instant.ofEpochSecond(JANUARY)));

      assertThat(result).isInstanceOf(Unavailable.class);
      assertThat(((Unavailable) result).tries()).isEqualTo(5);
    }

    @Test
    void moreWithoutAnAdvancingOffsetIsADefectNotAnEndlessLoop() {
      withings.stubFor(
          getmeas()
              .willReturn(
                  answer(
                      """
                      {"status": 0, "body": {"updatetime": %d, "more": 1, "measuregrps": []}}
                      """
                          .formatted(JANUARY))));

      WithingsPullResult result =
          puller.pull(USER, GetmeasQuery.updatedSince(Instant.ofEpochSecond(JANUARY)));

      assertThat(result).isInstanceOf(Defect.class);
      withings.verify(exactly(1), getmeasRequests());
    }
  }

  /** §2.3 and §12 case 11: refresh, one retry, rotation, reauthorization. */
  @Nested
  class Tokens {

    @Test
    void theErrorEnvelopeRefreshesTheTokenAndRetriesOnceWithTheNewOne() {
      withings.stubFor(
          getmeasWith("access-1").willReturn(answer(example("withings-getmeas-error.json"))));
      withings.stubFor(
          getmeasWith("access-2").willReturn(answer(example("withings-getmeas-bp.json"))));
      withings.stubFor(refreshWith("refresh-1").willReturn(tokens("access-2", "refresh-2")));

      Pulled pulled = pulled(puller.pull(USER, bpWindow()));

      assertThat(pulled.readings())
          .extracting(Reading::concept)
          .containsExactly("bp-panel", "pulse");
      assertThat(pulled.watermark()).isEqualTo(BP_UPDATETIME);
      withings.verify(exactly(1), refreshRequests());
      withings.verify(exactly(2), getmeasRequests());
      assertThat(store.load(USER))
          .contains(new WithingsTokens("access-2", "refresh-2", NOW.plusSeconds(10800)));
      assertThat(waits).isEmpty();
    }

    @Test
    void theErrorEnvelopeAgainAfterTheRefreshRequiresReauthorization() {
      withings.stubFor(getmeas().willReturn(answer(example("withings-getmeas-error.json"))));
      withings.stubFor(refreshWith("refresh-1").willReturn(tokens("access-2", "refresh-2")));

      WithingsPullResult result = puller.pull(USER, bpWindow());

      assertThat(result).isInstanceOf(ReauthorizationRequired.class);
      assertThat(((ReauthorizationRequired) result).reason()).contains("invalid_token");
      withings.verify(exactly(1), refreshRequests());
      withings.verify(exactly(2), getmeasRequests());
      // The rotated refresh token is kept even though the pull failed.
      assertThat(store.load(USER).orElseThrow().refreshToken()).isEqualTo("refresh-2");
    }

    @Test
    void aRefusedRefreshRequiresReauthorizationAndKeepsTheStoredTokens() {
      withings.stubFor(
          getmeasWith("access-1").willReturn(answer(example("withings-getmeas-error.json"))));
      withings.stubFor(
          refreshWith("refresh-1")
              .willReturn(
                  answer(
                      "{\"status\": 503, \"body\": {},"
                          + " \"error\": \"Invalid Params: invalid refresh_token\"}")));

      WithingsPullResult result = puller.pull(USER, bpWindow());

      assertThat(result).isInstanceOf(ReauthorizationRequired.class);
      assertThat(((ReauthorizationRequired) result).reason()).contains("invalid refresh_token");
      assertThat(store.saves()).isEmpty();
      assertThat(store.load(USER)).contains(VALID_FOR_TWO_HOURS);
      withings.verify(exactly(1), getmeasRequests());
    }

    @Test
    void aUserWithoutStoredTokensRequiresReauthorizationWithoutARequest() {
      WithingsPullResult result = puller.pull("99999999", bpWindow());

      assertThat(result).isInstanceOf(ReauthorizationRequired.class);
      assertThat(withings.getAllServeEvents()).isEmpty();
    }

    @Test
    void withdrawnAccessRequiresReauthorizationWithoutARefresh() {
      withings.stubFor(getmeas().willReturn(status(277)));

      WithingsPullResult result = puller.pull(USER, bpWindow());

      assertThat(result).isInstanceOf(ReauthorizationRequired.class);
      withings.verify(exactly(0), refreshRequests());
      withings.verify(exactly(1), getmeasRequests());
    }

    @Test
    void aTokenWithLessThanFiveMinutesLeftIsRefreshedBeforeItIsUsed() {
      store.put(USER, new WithingsTokens("access-1", "refresh-1", NOW.plus(Duration.ofMinutes(4))));
      withings.stubFor(refreshWith("refresh-1").willReturn(tokens("access-2", "refresh-2")));
      withings.stubFor(
          getmeasWith("access-2").willReturn(answer(example("withings-getmeas-bp.json"))));

      pulled(puller.pull(USER, bpWindow()));

      withings.verify(exactly(1), refreshRequests());
      withings.verify(
          exactly(0), getmeasRequests().withHeader("Authorization", equalTo("Bearer access-1")));
      assertThat(store.saves())
          .containsExactly(new WithingsTokens("access-2", "refresh-2", NOW.plusSeconds(10800)));
    }

    @Test
    void aTokenWithMoreThanFiveMinutesLeftIsUsedAsItIs() {
      store.put(USER, new WithingsTokens("access-1", "refresh-1", NOW.plus(Duration.ofMinutes(6))));
      withings.stubFor(
          getmeasWith("access-1").willReturn(answer(example("withings-getmeas-bp.json"))));

      pulled(puller.pull(USER, bpWindow()));

      withings.verify(exactly(0), refreshRequests());
    }

    @Test
    void aRefreshWithoutAnAnswerIsRetriedWithTheSameRefreshToken() {
      store.put(USER, new WithingsTokens("access-1", "refresh-1", NOW.plus(Duration.ofMinutes(1))));
      inTurn(
          withings,
          () -> refreshWith("refresh-1"),
          aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
          tokens("access-2", "refresh-2"));
      withings.stubFor(
          getmeasWith("access-2").willReturn(answer(example("withings-getmeas-bp.json"))));

      pulled(puller.pull(USER, bpWindow()));

      withings.verify(exactly(2), refreshRequests());
      assertThat(waits).containsExactly(Duration.ofSeconds(1));
      assertThat(store.load(USER).orElseThrow().refreshToken()).isEqualTo("refresh-2");
    }

    @Test
    void concurrentPullsWithAnExpiringTokenRefreshItOnceAndAllUseTheNewOne() throws Exception {
      store.put(USER, new WithingsTokens("access-1", "refresh-1", NOW.plus(Duration.ofMinutes(2))));
      withings.stubFor(
          refreshWith("refresh-1").willReturn(tokens("access-2", "refresh-2").withFixedDelay(200)));
      withings.stubFor(
          getmeasWith("access-2").willReturn(answer(example("withings-getmeas-bp.json"))));

      List<WithingsPullResult> results = concurrently(8, () -> puller.pull(USER, bpWindow()));

      assertThat(results).allSatisfy(result -> assertThat(result).isInstanceOf(Pulled.class));
      withings.verify(exactly(1), refreshRequests());
      withings.verify(
          exactly(8), getmeasRequests().withHeader("Authorization", equalTo("Bearer access-2")));
      withings.verify(exactly(8), getmeasRequests());
      assertThat(store.saves()).hasSize(1);
      assertThat(store.load(USER).orElseThrow().refreshToken()).isEqualTo("refresh-2");
    }

    @Test
    void concurrentPullsWhoseTokenIsRejectedRefreshItOnce() throws Exception {
      withings.stubFor(
          getmeasWith("access-1").willReturn(answer(example("withings-getmeas-error.json"))));
      withings.stubFor(
          getmeasWith("access-2").willReturn(answer(example("withings-getmeas-bp.json"))));
      withings.stubFor(
          refreshWith("refresh-1").willReturn(tokens("access-2", "refresh-2").withFixedDelay(200)));

      List<WithingsPullResult> results = concurrently(8, () -> puller.pull(USER, bpWindow()));

      assertThat(results).allSatisfy(result -> assertThat(result).isInstanceOf(Pulled.class));
      withings.verify(exactly(1), refreshRequests());
      assertThat(store.load(USER).orElseThrow().refreshToken()).isEqualTo("refresh-2");
    }
  }

  /** §2.3 and §12 case 12: what is retried, how patiently, and what is not. */
  @Nested
  class Backoff {

    @Test
    void theRateLimitBacksOffAtLeastAMinuteThenRetries() {
      inTurn(
          withings,
          WithingsStub::getmeas,
          status(601),
          answer(example("withings-getmeas-bp.json")));

      Pulled pulled = pulled(puller.pull(USER, bpWindow()));

      assertThat(pulled.readings()).hasSize(2);
      assertThat(waits)
          .singleElement()
          .satisfies(wait -> assertThat(wait).isGreaterThanOrEqualTo(Duration.ofSeconds(60)));
      withings.verify(exactly(2), getmeasRequests());
    }

    static List<Arguments> passingFailures() {
      return List.of(
          Arguments.of("Withings timeout 522", status(522)),
          Arguments.of("Withings bad state 524", status(524)),
          Arguments.of("HTTP 500", aResponse().withStatus(500)),
          Arguments.of("HTTP 503", aResponse().withStatus(503)),
          Arguments.of("connection reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)),
          Arguments.of("garbage on the wire", aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)),
          Arguments.of(
              "an answer slower than the request timeout",
              answer(example("withings-getmeas-bp.json"))
                  .withFixedDelay((int) SLOWER_THAN_THE_TIMEOUT.toMillis())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("passingFailures")
    void aPassingFailureIsRetriedWithExponentialBackoff(
        String name, ResponseDefinitionBuilder failure) {
      inTurn(
          withings,
          WithingsStub::getmeas,
          failure,
          failure,
          answer(example("withings-getmeas-bp.json")));

      Pulled pulled = pulled(puller.pull(USER, bpWindow()));

      assertThat(pulled.readings()).hasSize(2);
      assertThat(pulled.watermark()).isEqualTo(BP_UPDATETIME);
      assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
      withings.verify(exactly(3), getmeasRequests());
    }

    @Test
    void aFailureThatLastsGivesUpAfterFiveTries() {
      withings.stubFor(getmeas().willReturn(aResponse().withStatus(502)));

      WithingsPullResult result = puller.pull(USER, bpWindow());

      assertThat(result).isInstanceOf(Unavailable.class);
      assertThat(((Unavailable) result).tries()).isEqualTo(5);
      assertThat(((Unavailable) result).reason()).contains("502");
      assertThat(waits)
          .containsExactly(
              Duration.ofSeconds(1),
              Duration.ofSeconds(2),
              Duration.ofSeconds(4),
              Duration.ofSeconds(8));
      withings.verify(exactly(5), getmeasRequests());
    }

    @Test
    void answersThatAreAlwaysTooSlowGiveUpAfterFiveTries() {
      withings.stubFor(
          getmeas()
              .willReturn(
                  answer(example("withings-getmeas-bp.json"))
                      .withFixedDelay((int) SLOWER_THAN_THE_TIMEOUT.toMillis())));

      WithingsPullResult result = puller.pull(USER, bpWindow());

      assertThat(result).isInstanceOf(Unavailable.class);
      assertThat(((Unavailable) result).reason()).contains("No answer");
      withings.verify(exactly(5), getmeasRequests());
    }

    @Test
    void invalidParametersAreADefectAndNotRetried() {
      withings.stubFor(getmeas().willReturn(status(503)));

      WithingsPullResult result = puller.pull(USER, bpWindow());

      assertThat(result).isInstanceOf(Defect.class);
      assertThat(((Defect) result).reason()).contains("503").contains("INVALID_PARAMS");
      withings.verify(exactly(1), getmeasRequests());
      assertThat(waits).isEmpty();
    }

    @Test
    void anUnreadableAnswerIsADefect() {
      withings.stubFor(
          getmeas()
              .willReturn(
                  aResponse()
                      .withStatus(200)
                      .withHeader("Content-Type", "text/html")
                      .withBody("<html>maintenance</html>")));

      WithingsPullResult result = puller.pull(USER, bpWindow());

      assertThat(result).isInstanceOf(Defect.class);
      withings.verify(exactly(1), getmeasRequests());
    }

    @Test
    void anHttpClientErrorIsADefect() {
      withings.stubFor(getmeas().willReturn(aResponse().withStatus(404)));

      WithingsPullResult result = puller.pull(USER, bpWindow());

      assertThat(result).isInstanceOf(Defect.class);
      assertThat(((Defect) result).reason()).contains("404");
      withings.verify(exactly(1), getmeasRequests());
    }
  }

  private static GetmeasQuery bpWindow() {
    return GetmeasQuery.window(
        Instant.ofEpochSecond(1736147112), Instant.ofEpochSecond(1736147113));
  }

  private static Pulled pulled(WithingsPullResult result) {
    assertThat(result).isInstanceOf(Pulled.class);
    return (Pulled) result;
  }

  private static Reading reading(Pulled pulled, String concept) {
    return pulled.readings().stream()
        .filter(reading -> reading.concept().equals(concept))
        .findFirst()
        .orElseThrow(() -> new AssertionError("No " + concept + " in " + pulled.outcomes()));
  }

  /** Runs {@code task} on {@code callers} threads released at the same moment. */
  private static <T> List<T> concurrently(int callers, Callable<T> task) throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(callers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        futures.add(
            executor.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      executor.shutdownNow();
    }
  }
}
