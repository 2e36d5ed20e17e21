package no.homemonitoring.server.config;

import java.time.Duration;
import no.homemonitoring.server.startup.StartupGate;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * FHIR requests wait for the start-up steps: search parameters (runner order 0) and terminology
 * (order 1). The gate opens at order 5, before the demo data (order 10), which writes through the
 * DAOs and needs no gate.
 */
@Configuration(proxyBeanMethods = false)
public class StartupGateConfiguration {

  /** Longer than any start-up step takes on a 2-core machine. */
  static final Duration MAX_WAIT = Duration.ofSeconds(60);

  @Bean
  public StartupGate startupGate() {
    return new StartupGate(MAX_WAIT);
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
}
