package no.homemonitoring.server.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.config.JpaConfig;
import no.homemonitoring.profiles.CoreDefinitions;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;

class SharedCoreDefinitionsTest {

  private static final String OBSERVATION = "http://hl7.org/fhir/StructureDefinition/Observation";

  private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

  SharedCoreDefinitionsTest() {
    beanFactory.registerBeanDefinition(
        JpaConfig.DEFAULT_PROFILE_VALIDATION_SUPPORT,
        new RootBeanDefinition(DefaultProfileValidationSupport.class));
  }

  @Test
  void hapiGetsTheValidatorsDefinitionsInBothPlaces() {
    CoreDefinitions core = CoreDefinitions.load(FhirContext.forR4Cached());
    beanFactory.registerSingleton(SharedCoreDefinitions.BEAN_NAME, core);
    SharedCoreDefinitions sharing =
        new SharedCoreDefinitions(true, beanFactory.getBeanProvider(CoreDefinitions.class));

    sharing.postProcessBeanDefinitionRegistry(beanFactory);
    FhirContext hapiContext = FhirContext.forR4();
    sharing.postProcessAfterInitialization(hapiContext, "fhirContext");

    assertThat(beanFactory.getBean(JpaConfig.DEFAULT_PROFILE_VALIDATION_SUPPORT)).isSameAs(core);
    IValidationSupport support = hapiContext.getValidationSupport();
    assertThat(support.fetchStructureDefinition(OBSERVATION))
        .isSameAs(core.fetchStructureDefinition(OBSERVATION));
    assertThat(
            ((StructureDefinition) support.fetchStructureDefinition(OBSERVATION))
                .getSnapshot()
                .getElementFirstRep()
                .hasDefinition())
        .isFalse();
  }

  /** The benchmark's stock-HAPI comparison must get HAPI's own definitions. */
  @Test
  void withStockHapiDefaultsNothingIsRedirected() {
    SharedCoreDefinitions sharing =
        new SharedCoreDefinitions(false, beanFactory.getBeanProvider(CoreDefinitions.class));

    sharing.postProcessBeanDefinitionRegistry(beanFactory);
    FhirContext hapiContext = FhirContext.forR4();
    sharing.postProcessAfterInitialization(hapiContext, "fhirContext");

    assertThat(beanFactory.getBeanDefinition(JpaConfig.DEFAULT_PROFILE_VALIDATION_SUPPORT))
        .isNotNull();
    assertThat(beanFactory.getAliases(SharedCoreDefinitions.BEAN_NAME)).isEmpty();
    assertThat(
            ((StructureDefinition)
                    hapiContext.getValidationSupport().fetchStructureDefinition(OBSERVATION))
                .getSnapshot()
                .getElementFirstRep()
                .hasDefinition())
        .as("HAPI's full definitions")
        .isTrue();
  }
}
