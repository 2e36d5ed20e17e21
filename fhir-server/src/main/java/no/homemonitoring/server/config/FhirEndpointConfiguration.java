package no.homemonitoring.server.config;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.provider.ValueSetOperationProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.searchparam.registry.SearchParamRegistryImpl;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import no.homemonitoring.profiles.Profiles;
import no.homemonitoring.server.metrics.FhirRequestMetricsInterceptor;
import no.homemonitoring.server.search.SearchParameterSetup;
import no.homemonitoring.server.search.StatelessPagingInterceptor;
import no.homemonitoring.server.validation.BatchResponseFullUrlInterceptor;
import no.homemonitoring.server.web.RdfFormatFilter;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/** Mounts HAPI's REST layer at {@code /fhir} over the JPA storage. */
@Configuration(proxyBeanMethods = false)
public class FhirEndpointConfiguration {

  public static final String FHIR_PATH = "/fhir";

  @Bean
  public RestfulServer fhirRestfulServer(
      HomeMonitoringProperties properties,
      IFhirSystemDao<?, ?> systemDao,
      DaoRegistry daoRegistry,
      ResourceProviderFactory resourceProviderFactory,
      JpaSystemProvider<?, ?> systemProvider,
      JpaStorageSettings storageSettings,
      ISearchParamRegistry searchParamRegistry,
      IValidationSupport validationSupport,
      DatabaseBackedPagingProvider pagingProvider,
      ValueSetOperationProvider valueSetOperations,
      FhirRequestMetricsInterceptor metricsInterceptor) {
    daoRegistry.setSupportedResourceTypes(properties.fhir().resourceTypes());

    // Unknown elements and malformed values are refused with 400 instead of silently dropped:
    // a client must learn that part of what it sent would not have been stored.
    systemDao.getContext().setParserErrorHandler(new StrictErrorHandler());
    // Stored resources never hold references to id-less objects, so the encoder's walk over every
    // element looking for resources to contain is pure cost on every resource of every response.
    systemDao.getContext().getParserOptions().setAutoContainReferenceTargetsWithNoId(false);

    RestfulServer server = new RestfulServer(systemDao.getContext());
    server.registerProviders(resourceProviderFactory.createProviders());
    server.registerProvider(systemProvider);
    // ValueSet $expand and $validate-code (ConceptMap $translate and CodeSystem $lookup come with
    // their resource providers).
    server.registerProvider(valueSetOperations);
    server.setPagingProvider(pagingProvider);
    server.setDefaultResponseEncoding(EncodingEnum.JSON);
    // The CapabilityStatement lists the profiles the server holds writes to (from the profiles
    // module, so it is complete before the start-up step that stores them has run).
    PrePopulatedValidationSupport servedProfiles =
        new PrePopulatedValidationSupport(systemDao.getContext());
    Profiles.structureDefinitions().forEach(servedProfiles::addStructureDefinition);
    JpaCapabilityStatementProvider capabilityStatement =
        new JpaCapabilityStatementProvider(
            server, systemDao, storageSettings, searchParamRegistry, servedProfiles);
    capabilityStatement.setImplementationDescription("Home-monitoring FHIR server");
    server.setServerConformanceProvider(capabilityStatement);
    server.registerInterceptor(metricsInterceptor);
    server.registerInterceptor(new BatchResponseFullUrlInterceptor());
    // Browsers get readable HTML; FHIR clients are unaffected.
    server.registerInterceptor(new ResponseHighlighterInterceptor());
    return server;
  }

  /** Turtle is not offered (see {@link RdfFormatFilter}); answered before anything else runs. */
  @Bean
  public FilterRegistrationBean<RdfFormatFilter> rdfFormatFilter() {
    FilterRegistrationBean<RdfFormatFilter> registration =
        new FilterRegistrationBean<>(new RdfFormatFilter());
    registration.addUrlPatterns(FHIR_PATH + "/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
    return registration;
  }

  @Bean
  public ServletRegistrationBean<RestfulServer> fhirServletRegistration(RestfulServer server) {
    ServletRegistrationBean<RestfulServer> registration =
        new ServletRegistrationBean<>(server, FHIR_PATH + "/*");
    registration.setName("fhir");
    registration.setLoadOnStartup(1);
    return registration;
  }

  /**
   * Puts our search parameters in place and retires unused built-ins before the server takes
   * requests (and before demo data is loaded).
   */
  @Bean
  @Order(0)
  public ApplicationRunner searchParameterSetup(
      HomeMonitoringProperties properties,
      FhirContext fhirContext,
      ISearchParamRegistry searchParamRegistry,
      SearchParamRegistryImpl searchParamRegistryController,
      DaoRegistry daoRegistry,
      IJobCoordinator jobCoordinator) {
    return args -> {
      if (!properties.fhir().stockHapiDefaults()) {
        new SearchParameterSetup(
                fhirContext,
                properties.fhir().unindexedSearchParameters(),
                searchParamRegistry,
                searchParamRegistryController,
                daoRegistry,
                jobCoordinator)
            .apply();
      }
    };
  }

  /**
   * Registered with HAPI's storage-level interceptor service so that it also applies to searches
   * made inside the server, not only those arriving over HTTP.
   */
  @Bean
  public StatelessPagingInterceptor statelessPagingInterceptor(
      HomeMonitoringProperties properties, IInterceptorService interceptorService) {
    StatelessPagingInterceptor interceptor =
        new StatelessPagingInterceptor(properties.fhir().defaultPageSize());
    if (properties.fhir().offsetPaging() && !properties.fhir().stockHapiDefaults()) {
      interceptorService.registerInterceptor(interceptor);
    }
    return interceptor;
  }
}
