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
  private volatile boolean open;

  public StartupGate(Duration maxWait, int maxWaiting) {
    this.maxWait = maxWait;
    this.waiting = new Semaphore(maxWaiting);
  }

  /** Lets held and later requests through. */
  public void open() {
    open = true;
    gate.countDown();
    log.info("FHIR API open");
  }

  /** Sends held requests away (503) if the gate never opened: the start failed or it stops. */
  public void close() {
    gate.countDown();
  }

  public boolean isOpen() {
    return open;
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
