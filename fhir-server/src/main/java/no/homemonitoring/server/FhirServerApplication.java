package no.homemonitoring.server;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/**
 * The home-monitoring FHIR server: HAPI FHIR JPA (R4) mounted at {@code /fhir} in Spring Boot.
 *
 * <p>The imported HAPI configurations are the practical minimum for a JPA server: Batch2 is needed
 * by reindexing and package installation, and {@link SubscriptionChannelConfig} supplies the
 * message broker client that Batch2 uses.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({
  JpaR4Config.class,
  SubscriptionChannelConfig.class,
  JpaBatch2Config.class,
  Batch2JobsConfig.class,
  ThreadPoolFactoryConfig.class
})
public class FhirServerApplication {

  public static void main(String[] args) {
    SpringApplication.run(FhirServerApplication.class, args);
  }
}
