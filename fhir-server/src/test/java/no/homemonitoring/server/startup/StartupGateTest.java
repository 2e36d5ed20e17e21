package no.homemonitoring.server.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class StartupGateTest {

  private final AtomicInteger passed = new AtomicInteger();

  private MockHttpServletResponse request(StartupGate gate) throws Exception {
    MockHttpServletResponse response = new MockHttpServletResponse();
    gate.doFilter(
        new MockHttpServletRequest("GET", "/fhir/metadata"),
        response,
        (req, res) -> passed.incrementAndGet());
    return response;
  }

  private CompletableFuture<MockHttpServletResponse> requestInBackground(StartupGate gate) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return request(gate);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void anEarlyRequestWaitsForTheGateAndThenGoesThrough() throws Exception {
    StartupGate gate = new StartupGate(Duration.ofSeconds(30), 4);
    CompletableFuture<MockHttpServletResponse> early = requestInBackground(gate);
    Thread.sleep(200);
    assertThat(early).isNotDone();
    assertThat(passed).hasValue(0);

    gate.open();

    assertThat(early.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
    assertThat(passed).hasValue(1);
  }

  @Test
  void aRequestThatWaitsTooLongGets503WithAnOperationOutcome() throws Exception {
    StartupGate gate = new StartupGate(Duration.ofMillis(100), 4);

    MockHttpServletResponse response = request(gate);

    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getHeader("Retry-After")).isEqualTo("5");
    assertThat(response.getContentType()).startsWith("application/fhir+json");
    assertThat(response.getContentAsString())
        .contains("\"resourceType\":\"OperationOutcome\"")
        .contains("\"code\":\"transient\"");
    assertThat(passed).hasValue(0);
  }

  @Test
  void anOpenGateLetsRequestsThroughAtOnce() throws Exception {
    StartupGate gate = new StartupGate(Duration.ofMillis(1), 4);
    gate.open();

    assertThat(request(gate).getStatus()).isEqualTo(200);
    assertThat(passed).hasValue(1);
    assertThat(gate.isOpen()).isTrue();
  }

  @Test
  void aClosedGateSendsHeldRequestsAwayAt503() throws Exception {
    StartupGate gate = new StartupGate(Duration.ofSeconds(30), 4);
    CompletableFuture<MockHttpServletResponse> held = requestInBackground(gate);
    Thread.sleep(200);

    gate.close();

    assertThat(held.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(503);
    assertThat(passed).hasValue(0);
    assertThat(gate.isOpen()).isFalse();
  }

  @Test
  void requestsBeyondTheWaitingLimitGet503AtOnce() throws Exception {
    StartupGate gate = new StartupGate(Duration.ofSeconds(30), 1);
    CompletableFuture<MockHttpServletResponse> first = requestInBackground(gate);
    Thread.sleep(200);

    long started = System.nanoTime();
    MockHttpServletResponse second = request(gate);

    assertThat(second.getStatus()).isEqualTo(503);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    gate.open();
    assertThat(first.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
  }

  @Test
  void aGateHoldsOnlyTheRequestsItsPredicateNames() throws Exception {
    StartupGate gate =
        new StartupGate(
            "Terminology",
            Duration.ofMillis(100),
            4,
            request -> request.getRequestURI().contains("CodeSystem"));

    MockHttpServletResponse clinical = new MockHttpServletResponse();
    gate.doFilter(
        new MockHttpServletRequest("GET", "/fhir/Observation"),
        clinical,
        (req, res) -> passed.incrementAndGet());
    assertThat(clinical.getStatus()).isEqualTo(200);
    assertThat(passed).hasValue(1);

    MockHttpServletResponse terminology = new MockHttpServletResponse();
    gate.doFilter(
        new MockHttpServletRequest("GET", "/fhir/CodeSystem"),
        terminology,
        (req, res) -> passed.incrementAndGet());
    assertThat(terminology.getStatus()).as("held, then timed out").isEqualTo(503);
    assertThat(passed).hasValue(1);
  }
}
