package no.homemonitoring.server.terminology;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import no.homemonitoring.server.config.HomeMonitoringProperties;
import no.homemonitoring.terminology.Terminology;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** The terminology module inside the server. */
@Configuration(proxyBeanMethods = false)
public class TerminologyConfiguration {

  /**
   * The module's terminology. Creating it also hands HAPI the cached UCUM service, before the first
   * resource is indexed.
   */
  @Bean
  public Terminology terminology(HomeMonitoringProperties properties) {
    Terminology terminology = Terminology.bundled();
    if (!properties.fhir().stockHapiDefaults()) {
      HapiUcum.install(terminology.ucum().service());
    }
    return terminology;
  }

  /** Loads the terminology after the search parameters and before demo data. */
  @Bean
  @Order(1)
  public ApplicationRunner terminologyLoader(Terminology terminology, DaoRegistry daoRegistry) {
    return args -> new TerminologyLoader(terminology, daoRegistry).load();
  }
}
