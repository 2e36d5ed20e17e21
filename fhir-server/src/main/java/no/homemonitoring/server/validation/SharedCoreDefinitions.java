package no.homemonitoring.server.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.jpa.config.JpaConfig;
import no.homemonitoring.profiles.CoreDefinitions;
import no.homemonitoring.server.config.HomeMonitoringProperties;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.core.env.Environment;

/**
 * Gives HAPI the validator's core definitions ({@code coreDefinitions}) wherever it would read its
 * own full copy of the R4 core StructureDefinitions.
 *
 * <p>HAPI's search-parameter extractor builds a FHIRPath engine over every StructureDefinition its
 * {@link FhirContext}'s validation support knows, while the server starts. By default that support
 * is HAPI's {@code DefaultProfileValidationSupport}, which then parses the full core definitions
 * (about 3 s of a 2-core machine's start) and keeps them in a static cache, next to the validator's
 * copy, for the life of the server. Two places are redirected to the validator's instance:
 *
 * <ul>
 *   <li>the FHIR context bean's validation support: HAPI's default chain, with the core definitions
 *       in place of {@code DefaultProfileValidationSupport};
 *   <li>the bean HAPI's JPA support chain asks for by name, {@code
 *       myDefaultProfileValidationSupport}.
 * </ul>
 */
class SharedCoreDefinitions implements BeanDefinitionRegistryPostProcessor, BeanPostProcessor {

  /** The name of the bean that holds the validator's core definitions. */
  static final String BEAN_NAME = "coreDefinitions";

  private final boolean enabled;
  private final ObjectProvider<CoreDefinitions> coreDefinitions;

  SharedCoreDefinitions(boolean enabled, ObjectProvider<CoreDefinitions> coreDefinitions) {
    this.enabled = enabled;
    this.coreDefinitions = coreDefinitions;
  }

  static SharedCoreDefinitions from(
      Environment environment, ObjectProvider<CoreDefinitions> coreDefinitions) {
    HomeMonitoringProperties properties = HomeMonitoringProperties.bind(environment);
    return new SharedCoreDefinitions(!properties.fhir().stockHapiDefaults(), coreDefinitions);
  }

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
    String hapiName = JpaConfig.DEFAULT_PROFILE_VALIDATION_SUPPORT;
    if (!enabled || !registry.containsBeanDefinition(hapiName)) {
      return;
    }
    registry.removeBeanDefinition(hapiName);
    registry.registerAlias(BEAN_NAME, hapiName);
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}

  /** The chain HAPI's {@link FhirContext#getValidationSupport()} builds, over our definitions. */
  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (enabled
        && bean instanceof FhirContext context
        && context.getVersion().getVersion() == FhirVersionEnum.R4) {
      context.setValidationSupport(
          new ValidationSupportChain(
              coreDefinitions.getObject(),
              new InMemoryTerminologyServerValidationSupport(context),
              new CommonCodeSystemsTerminologyService(context),
              new SnapshotGeneratingValidationSupport(context)));
    }
    return bean;
  }
}
