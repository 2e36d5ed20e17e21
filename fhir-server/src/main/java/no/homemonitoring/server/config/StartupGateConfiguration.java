package no.homemonitoring.server.config;

import java.time.Duration;
import no.homemonitoring.server.startup.StartupGate;
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
 * FHIR requests wait for the start-up steps: search parameters (runner order 0) and terminology
 * (order 1). The gate opens at order 5, before the demo data (order 10), which writes through the
 * DAOs and needs no gate.
 */
@Configuration(proxyBeanMethods = false)
public class StartupGateConfiguration {

  /** The start-up steps take about 8 s on a 2-core machine; a client retries after this. */
  static final Duration MAX_WAIT = Duration.ofSeconds(15);

  /** Of Tomcat's 200 request threads, at most this many wait; later ones get 503 at once. */
  static final int MAX_WAITING = 32;

  @Bean
  public StartupGate startupGate() {
    return new StartupGate(MAX_WAIT, MAX_WAITING);
  }

  @Bean
  public FilterRegistrationBean<StartupGate> startupGateFilter(StartupGate gate) {
    FilterRegistrationBean<StartupGate> registration = new FilterRegistrationBean<>(gate);
    registration.addUrlPatterns(FhirEndpointConfiguration.FHIR_PATH + "/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return registration;
  }

  @Bean
  @Order(5)
  public ApplicationRunner openStartupGate(StartupGate gate) {
    return args -> gate.open();
  }

  /** A failed start or a stop sends held requests away instead of keeping them to the end. */
  @Bean
  public StartupGateCloser startupGateCloser(StartupGate gate) {
    return new StartupGateCloser(gate);
  }

  /** Listens for the end of the start or of the server. */
  public record StartupGateCloser(StartupGate gate) {

    @EventListener({ApplicationFailedEvent.class, ContextClosedEvent.class})
    public void close() {
      gate.close();
    }
  }
}
