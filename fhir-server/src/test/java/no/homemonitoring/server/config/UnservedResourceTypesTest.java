package no.homemonitoring.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;

class UnservedResourceTypesTest {

  private static final List<String> BEANS =
      List.of(
          "myObservationDaoR4",
          "myObservationRpR4",
          "myMedicationDaoR4",
          "myMedicationRpR4",
          "myBundleDaoR4",
          "mySystemDaoR4",
          "myResourceDaosR4",
          "myResourceProvidersR4");

  @Test
  void removesOnlyTheDaosAndProvidersOfUnservedResourceTypes() {
    DefaultListableBeanFactory registry = registryWith(BEANS);

    new UnservedResourceTypes(List.of("Observation"), true)
        .postProcessBeanDefinitionRegistry(registry);

    assertThat(registry.getBeanDefinitionNames())
        .containsExactlyInAnyOrder(
            "myObservationDaoR4",
            "myObservationRpR4",
            "myBundleDaoR4",
            "mySystemDaoR4",
            "myResourceDaosR4",
            "myResourceProvidersR4");
  }

  @Test
  void aStockServerKeepsThemAll() {
    DefaultListableBeanFactory registry = registryWith(BEANS);

    new UnservedResourceTypes(List.of("Observation"), false)
        .postProcessBeanDefinitionRegistry(registry);

    assertThat(registry.getBeanDefinitionNames()).containsExactlyInAnyOrderElementsOf(BEANS);
  }

  private static DefaultListableBeanFactory registryWith(List<String> names) {
    DefaultListableBeanFactory registry = new DefaultListableBeanFactory();
    names.forEach(
        name -> registry.registerBeanDefinition(name, new RootBeanDefinition(Object.class)));
    return registry;
  }
}
