package no.homemonitoring.server.config;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import no.homemonitoring.server.search.PatientSearchCache;
import no.homemonitoring.server.search.PatientSearchCacheFilter;
import no.homemonitoring.server.search.PatientSearchCacheInvalidator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The cache of one patient's Observation searches (see {@link PatientSearchCache}). */
@Configuration(proxyBeanMethods = false)
public class SearchCacheConfiguration {

  @Bean
  public PatientSearchCache patientSearchCache(HomeMonitoringProperties properties) {
    HomeMonitoringProperties.SearchCache settings = properties.searchCache();
    return new PatientSearchCache(settings.maxMegabytes() * 1024L * 1024L, settings.timeToLive());
  }

  @Bean
  public FilterRegistrationBean<PatientSearchCacheFilter> patientSearchCacheFilter(
      HomeMonitoringProperties properties,
      PatientSearchCache cache,
      IInterceptorService interceptors,
      PatientSearchCacheFilter.Access access) {
    boolean enabled = properties.searchCache().enabled() && !properties.fhir().stockHapiDefaults();
    if (enabled) {
      interceptors.registerInterceptor(new PatientSearchCacheInvalidator(cache));
    }
    FilterRegistrationBean<PatientSearchCacheFilter> registration =
        new FilterRegistrationBean<>(
            new PatientSearchCacheFilter(cache, FhirEndpointConfiguration.FHIR_PATH, access));
    registration.addUrlPatterns(FhirEndpointConfiguration.FHIR_PATH + "/*");
    registration.setOrder(Ordered.LOWEST_PRECEDENCE - 10);
    registration.setEnabled(enabled);
    return registration;
  }
}
