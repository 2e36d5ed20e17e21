package no.homemonitoring.server.config;

import java.time.Duration;
import no.homemonitoring.server.startup.StartupGate;
import no.homemonitoring.server.terminology.TerminologyRequests;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * FHIR requests wait for the start-up steps, in two gates:
 *
 * <ul>
 *   <li>every request waits for the search parameters (runner order 0); that gate opens at order 1;
 *   <li>requests that read or use the terminology and profiles the server stores ({@link
 *       TerminologyRequests}) also wait for those to be stored (order 2); that gate opens when the
 *       loader is done.
 * </ul>
 *
 * <p>Demo data (order 10) writes through the DAOs and needs no gate.
 */
@Configuration(proxyBeanMethods = false)
public class StartupGateConfiguration {

  /** The start-up steps take a few seconds on a 2-core machine; a client retries after this. */
  static final Duration MAX_WAIT = Duration.ofSeconds(15);

  /** Of Tomcat's 200 request threads, at most this many wait per gate; later ones get 503. */
  static final int MAX_WAITING = 32;

  @Bean
  public StartupGates startupGates() {
    return new StartupGates(
        new StartupGate(MAX_WAIT, MAX_WAITING),
        new StartupGate(
            "Terminology and profiles", MAX_WAIT, MAX_WAITING, new TerminologyRequests()));
  }

  @Bean
  public FilterRegistrationBean<StartupGate> startupGateFilter(StartupGates gates) {
    return gateFilter(gates.api(), "startupGate", Ordered.HIGHEST_PRECEDENCE + 10);
  }

  @Bean
  public FilterRegistrationBean<StartupGate> terminologyGateFilter(StartupGates gates) {
    return gateFilter(gates.terminology(), "terminologyGate", Ordered.HIGHEST_PRECEDENCE + 11);
  }

  private static FilterRegistrationBean<StartupGate> gateFilter(
      StartupGate gate, String name, int order) {
    FilterRegistrationBean<StartupGate> registration = new FilterRegistrationBean<>(gate);
    registration.setName(name);
    registration.addUrlPatterns(FhirEndpointConfiguration.FHIR_PATH + "/*");
    registration.setOrder(order);
    return registration;
  }

  @Bean
  @Order(1)
  public ApplicationRunner openStartupGate(StartupGates gates) {
    return args -> gates.api().open();
  }

  /** A failed start or a stop sends held requests away instead of keeping them to the end. */
  @Bean
  public StartupGateCloser startupGateCloser(StartupGates gates) {
    return new StartupGateCloser(gates);
  }

  /** The two gates: all FHIR requests, and those that need the stored terminology. */
  public record StartupGates(StartupGate api, StartupGate terminology) {

    public boolean allOpen() {
      return api.isOpen() && terminology.isOpen();
    }
  }

  /** Listens for the end of the start or of the server. */
  public record StartupGateCloser(StartupGates gates) {

    @EventListener({ApplicationFailedEvent.class, ContextClosedEvent.class})
    public void close() {
      gates.api().close();
      gates.terminology().close();
    }
  }
}
