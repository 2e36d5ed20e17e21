package no.homemonitoring.server.search;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.registry.SearchParamRegistryImpl;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.SearchParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops HAPI from indexing built-in search parameters that no home-monitoring client uses.
 *
 * <p>An Observation carries some forty built-in search parameters, each of which costs index rows
 * on every write; most (gene variants, specimen, string and date values, the many composite
 * combinations) mean nothing for vital signs. HAPI lets a server replace a built-in parameter by a
 * stored SearchParameter with the same URL; a retired one is neither indexed nor offered in the
 * CapabilityStatement. Storing them is idempotent: fixed ids, PUT, and HAPI ignores an update
 * without changes.
 */
public class UnindexedSearchParameters {

  private static final Logger log = LoggerFactory.getLogger(UnindexedSearchParameters.class);

  private final Map<String, List<String>> unindexed;
  private final ISearchParamRegistry registry;
  private final SearchParamRegistryImpl registryController;
  private final DaoRegistry daoRegistry;

  public UnindexedSearchParameters(
      Map<String, List<String>> unindexed,
      ISearchParamRegistry registry,
      SearchParamRegistryImpl registryController,
      DaoRegistry daoRegistry) {
    this.unindexed = unindexed;
    this.registry = registry;
    this.registryController = registryController;
    this.daoRegistry = daoRegistry;
  }

  /** Retires the configured parameters; returns the ones now retired by this server. */
  public List<SearchParameter> retire() {
    IFhirResourceDao<SearchParameter> dao = daoRegistry.getResourceDao(SearchParameter.class);
    List<SearchParameter> retired = new ArrayList<>();
    unindexed.forEach(
        (resourceType, codes) -> {
          for (String code : codes) {
            RuntimeSearchParam builtIn =
                registry.getActiveSearchParam(
                    resourceType, code, ISearchParamRegistry.SearchParamLookupContextEnum.ALL);
            if (builtIn == null) {
              continue;
            }
            SearchParameter parameter = retiredCopy(resourceType, builtIn);
            dao.update(parameter, new SystemRequestDetails());
            retired.add(parameter);
          }
        });
    if (!retired.isEmpty()) {
      registryController.forceRefresh();
      log.info("{} built-in search parameters are not indexed", retired.size());
    }
    return retired;
  }

  static SearchParameter retiredCopy(String resourceType, RuntimeSearchParam builtIn) {
    SearchParameter parameter = new SearchParameter();
    parameter.setId("unindexed-" + resourceType + "-" + builtIn.getName());
    parameter.setUrl(builtIn.getUri());
    parameter.setName(builtIn.getName());
    parameter.setCode(builtIn.getName());
    parameter.addBase(resourceType);
    parameter.setStatus(Enumerations.PublicationStatus.RETIRED);
    parameter.setType(Enumerations.SearchParamType.fromCode(builtIn.getParamType().getCode()));
    parameter.setExpression(builtIn.getPath());
    parameter.setDescription(
        "Not indexed by this server: no home-monitoring client searches by it.");
    return parameter;
  }
}
