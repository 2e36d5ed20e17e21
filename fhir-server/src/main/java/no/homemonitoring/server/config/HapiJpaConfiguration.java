package no.homemonitoring.server.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.IDaoRegistry;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.config.HibernatePropertiesProvider;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.config.util.ResourceCountCacheUtil;
import ca.uhn.fhir.jpa.dao.search.HSearchSortHelperImpl;
import ca.uhn.fhir.jpa.dao.search.IHSearchSortHelper;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.provider.DaoRegistryResourceSupportedSvc;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.search.IStaleSearchDeletingSvc;
import ca.uhn.fhir.jpa.search.StaleSearchDeletingSvcImpl;
import ca.uhn.fhir.jpa.util.ResourceCountCache;
import ca.uhn.fhir.rest.api.IResourceSupportedSvc;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import jakarta.persistence.EntityManagerFactory;
import java.util.Properties;
import javax.sql.DataSource;
import org.hibernate.dialect.Dialect;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.orm.jpa.JpaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * The beans HAPI's JPA configuration expects its host application to provide: persistence unit,
 * transaction manager, storage settings and the few services that have no default.
 */
@Configuration(proxyBeanMethods = false)
public class HapiJpaConfiguration {

  /** Keeps HAPI from creating DAOs and providers of the resource types not served. */
  @Bean
  public static UnservedResourceTypes unservedResourceTypes(
      org.springframework.core.env.Environment environment) {
    return UnservedResourceTypes.from(environment);
  }

  @Bean
  public JpaStorageSettings jpaStorageSettings(HomeMonitoringProperties properties) {
    return properties.fhir().stockHapiDefaults()
        ? HomeMonitoringStorageSettings.secured(new JpaStorageSettings())
        : HomeMonitoringStorageSettings.create();
  }

  @Bean
  public PartitionSettings partitionSettings() {
    return new PartitionSettings();
  }

  @Primary
  @Bean
  public LocalContainerEntityManagerFactoryBean entityManagerFactory(
      ConfigurableListableBeanFactory beanFactory,
      FhirContext fhirContext,
      JpaStorageSettings storageSettings,
      DataSource dataSource,
      JpaProperties jpaProperties) {
    LocalContainerEntityManagerFactoryBean factory =
        HapiEntityManagerFactoryUtil.newEntityManagerFactory(
            beanFactory, fhirContext, storageSettings);
    factory.setPersistenceUnitName("HAPI_PU");
    factory.setDataSource(dataSource);
    Properties hibernate = new Properties();
    hibernate.putAll(jpaProperties.getProperties());
    factory.setJpaProperties(hibernate);
    return factory;
  }

  @Primary
  @Bean
  public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
    return new JpaTransactionManager(entityManagerFactory);
  }

  /** HAPI asks this bean for the dialect; it is the one named in the Spring JPA properties. */
  @Primary
  @Bean
  public HibernatePropertiesProvider hibernatePropertiesProvider(JpaProperties jpaProperties) {
    Dialect dialect = instantiateDialect(jpaProperties.getProperties().get("hibernate.dialect"));
    return new HibernatePropertiesProvider() {
      @Override
      public Dialect getDialect() {
        return dialect;
      }
    };
  }

  private static Dialect instantiateDialect(String className) {
    if (className == null || className.isBlank()) {
      throw new IllegalStateException(
          "spring.jpa.properties.hibernate.dialect must name a HAPI dialect");
    }
    try {
      return (Dialect) Class.forName(className).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot create the Hibernate dialect " + className, e);
    }
  }

  @Bean
  public IHSearchSortHelper hSearchSortHelper(ISearchParamRegistry searchParamRegistry) {
    return new HSearchSortHelperImpl(searchParamRegistry);
  }

  @Bean
  public IStaleSearchDeletingSvc staleSearchDeletingSvc() {
    return new StaleSearchDeletingSvcImpl();
  }

  @Bean
  public IResourceSupportedSvc resourceSupportedSvc(IDaoRegistry daoRegistry) {
    return new DaoRegistryResourceSupportedSvc(daoRegistry);
  }

  @Bean(name = "myResourceCountsCache")
  public ResourceCountCache resourceCountsCache(IFhirSystemDao<?, ?> systemDao) {
    return ResourceCountCacheUtil.newResourceCountCache(systemDao);
  }

  @Bean
  public DatabaseBackedPagingProvider databaseBackedPagingProvider(
      HomeMonitoringProperties properties) {
    DatabaseBackedPagingProvider pagingProvider = new DatabaseBackedPagingProvider();
    pagingProvider.setDefaultPageSize(properties.fhir().defaultPageSize());
    pagingProvider.setMaximumPageSize(properties.fhir().maxPageSize());
    return pagingProvider;
  }
}
