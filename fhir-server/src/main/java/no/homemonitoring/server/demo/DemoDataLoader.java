package no.homemonitoring.server.demo;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import no.homemonitoring.server.config.HomeMonitoringProperties;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Loads the synthetic demo population at start when {@code homemonitoring.demo-data.load=true}.
 * Runs before the server reports itself ready; loading again updates in place.
 */
@Component
@Order(10)
@ConditionalOnProperty(prefix = "homemonitoring.demo-data", name = "load", havingValue = "true")
public class DemoDataLoader implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(DemoDataLoader.class);

  private final IFhirSystemDao<Bundle, Meta> systemDao;
  private final HomeMonitoringProperties properties;
  private final Clock clock;

  @Autowired
  public DemoDataLoader(
      IFhirSystemDao<Bundle, Meta> systemDao, HomeMonitoringProperties properties) {
    this(systemDao, properties, Clock.system(DemoPopulation.OSLO));
  }

  DemoDataLoader(
      IFhirSystemDao<Bundle, Meta> systemDao, HomeMonitoringProperties properties, Clock clock) {
    this.systemDao = systemDao;
    this.properties = properties;
    this.clock = clock;
  }

  @Override
  public void run(ApplicationArguments args) {
    load();
  }

  /** Loads the population; returns the number of resources written or confirmed unchanged. */
  public int load() {
    long started = System.nanoTime();
    HomeMonitoringProperties.DemoData settings = properties.demoData();
    List<Bundle> transactions =
        new DemoPopulation(
                systemDao.getContext(), settings.patients(), settings.days(), LocalDate.now(clock))
            .transactions();
    int resources = 0;
    for (Bundle transaction : transactions) {
      systemDao.transaction(new SystemRequestDetails(), transaction);
      resources += transaction.getEntry().size();
    }
    log.info(
        "Demo data: {} patients, {} resources loaded in {} ms",
        settings.patients(),
        resources,
        (System.nanoTime() - started) / 1_000_000);
    return resources;
  }
}
