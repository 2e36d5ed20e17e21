package no.homemonitoring.server.startup;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Holds FHIR requests until the server's start-up steps have run.
 *
 * <p>The web server opens its port before Spring Boot runs the application runners that put the
 * search parameters and the terminology in place. An Observation written in that window would be
 * indexed without the server's own search parameters (and so be missing from the nurse's search),
 * and a {@code $translate} would find no concept maps. Requests that arrive early wait here until
 * {@link #open()} is called.
 *
 * <p>Waiting is bounded so that early clients cannot take the web server's threads from the health
 * endpoints (which are not held): at most {@code maxWaiting} requests wait, each at most {@code
 * maxWait}; any other early request, and every held one when the start fails or the server stops
 * ({@link #close()}), is answered 503 with an OperationOutcome and a {@code Retry-After}.
 *
 * <p>A gate may hold only some requests (those its predicate names), so that a step needed by few
 * requests does not keep all others waiting.
 */
public class StartupGate extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(StartupGate.class);

  private static final String STARTING =
      """
      {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"transient",\
      "diagnostics":"The server is starting; try again in a few seconds."}]}""";

  private final CountDownLatch gate = new CountDownLatch(1);
  private final Semaphore waiting;
  private final Duration maxWait;
  private final String name;
  private final Predicate<HttpServletRequest> holds;
  private volatile boolean open;

  /** A gate that holds every request it sees. */
  public StartupGate(Duration maxWait, int maxWaiting) {
    this("FHIR API", maxWait, maxWaiting, request -> true);
  }

  /**
   * @param name what opens, for the log
   * @param holds the requests this gate holds; others pass at once
   */
  public StartupGate(
      String name, Duration maxWait, int maxWaiting, Predicate<HttpServletRequest> holds) {
    this.name = name;
    this.maxWait = maxWait;
    this.waiting = new Semaphore(maxWaiting);
    this.holds = holds;
  }

  /** Lets held and later requests through. */
  public void open() {
    open = true;
    gate.countDown();
    log.info("{} open", name);
  }

  /** Sends held requests away (503) if the gate never opened: the start failed or it stops. */
  public void close() {
    gate.countDown();
  }

  public boolean isOpen() {
    return open;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return open || !holds.test(request);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (open || awaitOpen()) {
      chain.doFilter(request, response);
      return;
    }
    response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
    response.setHeader("Retry-After", "5");
    response.setContentType("application/fhir+json");
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.getWriter().write(STARTING);
  }

  private boolean awaitOpen() {
    if (!waiting.tryAcquire()) {
      return false;
    }
    try {
      gate.await(maxWait.toMillis(), TimeUnit.MILLISECONDS);
      return open;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      waiting.release();
    }
  }
}
