package no.homemonitoring.server.startup;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
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
 * {@link #open()} is called; one that has waited {@code maxWait} is answered 503 with an
 * OperationOutcome and a {@code Retry-After}. Health and metrics endpoints are not held, so a
 * readiness probe sees the start as it happens.
 */
public class StartupGate extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(StartupGate.class);

  private static final String STARTING =
      """
      {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"transient",\
      "diagnostics":"The server is starting; try again in a few seconds."}]}""";

  private final CountDownLatch gate = new CountDownLatch(1);
  private final Duration maxWait;

  public StartupGate(Duration maxWait) {
    this.maxWait = maxWait;
  }

  /** Lets held and later requests through. */
  public void open() {
    gate.countDown();
    log.info("FHIR API open");
  }

  public boolean isOpen() {
    return gate.getCount() == 0;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (isOpen() || awaitOpen()) {
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
    try {
      return gate.await(maxWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
