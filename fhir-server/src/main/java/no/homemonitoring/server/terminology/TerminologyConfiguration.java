package no.homemonitoring.server.terminology;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.util.ArrayList;
import java.util.List;
import no.homemonitoring.profiles.Profiles;
import no.homemonitoring.server.config.HomeMonitoringProperties;
import no.homemonitoring.server.config.StartupGateConfiguration.StartupGates;
import no.homemonitoring.terminology.Terminology;
import org.hl7.fhir.r4.model.MetadataResource;
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

  /**
   * Stores the terminology after the search parameters and before demo data, then lets the requests
   * that need it through ({@link TerminologyRequests}); other FHIR requests are served meanwhile.
   */
  @Bean
  @Order(2)
  public ApplicationRunner terminologyLoader(
      Terminology terminology, DaoRegistry daoRegistry, StartupGates gates) {
    List<MetadataResource> resources = new ArrayList<>(terminology.resources());
    // The profiles too: the server serves them.
    resources.addAll(Profiles.structureDefinitions());
    return args -> {
      new TerminologyLoader(resources, daoRegistry).load();
      gates.terminology().open();
    };
  }
}
