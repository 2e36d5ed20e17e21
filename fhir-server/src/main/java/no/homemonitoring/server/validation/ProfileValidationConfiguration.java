package no.homemonitoring.server.validation;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.validation.IInstanceValidatorModule;
import io.micrometer.core.instrument.MeterRegistry;
import no.homemonitoring.profiles.ProfileValidator;
import no.homemonitoring.server.config.HomeMonitoringProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/** The project's profiles inside the server: validation on write and for {@code $validate}. */
@Configuration(proxyBeanMethods = false)
public class ProfileValidationConfiguration {

  @Bean
  public ProfileValidator profileValidator() {
    return ProfileValidator.create();
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
