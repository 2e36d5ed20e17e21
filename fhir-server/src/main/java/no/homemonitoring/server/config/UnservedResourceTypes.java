package no.homemonitoring.server.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.core.env.Environment;

/**
 * Removes HAPI's DAO and resource-provider beans of the resource types this server does not serve,
 * before any is created.
 *
 * <p>HAPI declares a DAO and a resource provider bean for each of the ~146 R4 resource types, and
 * its DAO registry creates every DAO bean at start even when only a few types are served: several
 * seconds of a 2-core machine's start. Served types (and the few HAPI needs internally) keep
 * theirs.
 */
public class UnservedResourceTypes implements BeanDefinitionRegistryPostProcessor {

  private static final Logger log = LoggerFactory.getLogger(UnservedResourceTypes.class);
  private static final Pattern PER_TYPE_BEAN = Pattern.compile("my([A-Z][A-Za-z]+)(Dao|Rp)R4");

  private static final Set<String> RESOURCE_TYPES =
      ca.uhn.fhir.context.FhirContext.forR4Cached().getResourceTypes();

  /** Types HAPI's own services look up whether or not they are served. */
  static final Set<String> NEEDED_BY_HAPI = Set.of("Bundle", "Binary");

  private final Set<String> kept;
  private final boolean enabled;

  UnservedResourceTypes(List<String> servedTypes, boolean enabled) {
    this.kept = new HashSet<>(servedTypes);
    this.kept.addAll(NEEDED_BY_HAPI);
    this.enabled = enabled;
  }

  /** Reads the served types the way the application does (same defaults). */
  static UnservedResourceTypes from(Environment environment) {
    HomeMonitoringProperties properties = HomeMonitoringProperties.bind(environment);
    return new UnservedResourceTypes(
        properties.fhir().resourceTypes(), !properties.fhir().stockHapiDefaults());
  }

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
    if (!enabled) {
      return;
    }
    int removed = 0;
    for (String name : registry.getBeanDefinitionNames()) {
      Matcher matcher = PER_TYPE_BEAN.matcher(name);
      if (matcher.matches()
          && RESOURCE_TYPES.contains(matcher.group(1))
          && !kept.contains(matcher.group(1))) {
        registry.removeBeanDefinition(name);
        removed++;
      }
    }
    log.info("Removed {} DAO and resource-provider beans of unserved resource types", removed);
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}
}
