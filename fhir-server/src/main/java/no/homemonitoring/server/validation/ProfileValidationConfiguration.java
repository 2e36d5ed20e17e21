package no.homemonitoring.server.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.validation.IInstanceValidatorModule;
import io.micrometer.core.instrument.MeterRegistry;
import no.homemonitoring.profiles.CoreDefinitions;
import no.homemonitoring.profiles.ProfileValidator;
import no.homemonitoring.server.config.HomeMonitoringProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;

/** The project's profiles inside the server: validation on write and for {@code $validate}. */
@Configuration(proxyBeanMethods = false)
public class ProfileValidationConfiguration {

  /** Hands HAPI {@link #coreDefinitions} in place of its own core definitions. */
  @Bean
  public static SharedCoreDefinitions sharedCoreDefinitions(
      Environment environment, ObjectProvider<CoreDefinitions> coreDefinitions) {
    return SharedCoreDefinitions.from(environment, coreDefinitions);
  }

  /** The R4 core definitions, read once, for the validator and for HAPI's JPA support chain. */
  @Bean(name = SharedCoreDefinitions.BEAN_NAME)
  public CoreDefinitions coreDefinitions() {
    return CoreDefinitions.load(FhirContext.forR4Cached());
  }

  @Bean
  public ProfileValidator profileValidator(CoreDefinitions coreDefinitions) {
    return ProfileValidator.create(coreDefinitions);
  }

  /**
   * {@code $validate} uses this validator (HAPI's DAOs look the validator module up by type), so it
   * judges a resource exactly as a write does.
   */
  @Bean
  @Primary
  public IInstanceValidatorModule homeMonitoringInstanceValidator(ProfileValidator validator) {
    return new ProjectProfileValidatorModule(validator.instanceValidator());
  }

  @Bean
  public ProfileValidatingInterceptor profileValidatingInterceptor(
      ProfileValidator validator,
      MeterRegistry meterRegistry,
      HomeMonitoringProperties properties,
      IInterceptorService interceptorService) {
    ProfileValidatingInterceptor interceptor =
        new ProfileValidatingInterceptor(validator, meterRegistry);
    if (properties.validation().enabled() && !properties.fhir().stockHapiDefaults()) {
      interceptorService.registerInterceptor(interceptor);
    }
    return interceptor;
  }
}
