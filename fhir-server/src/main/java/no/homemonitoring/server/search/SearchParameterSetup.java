package no.homemonitoring.server.search;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.jobs.reindex.ReindexJobParameters;
import ca.uhn.fhir.batch2.jobs.reindex.ReindexUtils;
import ca.uhn.fhir.batch2.model.JobInstanceStartRequest;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.jpa.searchparam.registry.SearchParamRegistryImpl;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.SearchParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Puts the server's search parameters in place at start, before it takes requests.
 *
 * <ul>
 *   <li><b>Our own</b> search parameters, kept as data in {@code
 *       fhir/search/SearchParameter-*.json} (for example the patient + code index behind the nurse
 *       query).
 *   <li><b>Unused built-ins retired</b>: an Observation carries some forty built-in search
 *       parameters and each costs index rows on every write; most (specimen, string and date
 *       values, the many composite combinations) mean nothing for vital signs. HAPI replaces a
 *       built-in parameter by a stored SearchParameter with the same URL, and a retired one is
 *       neither indexed nor advertised.
 * </ul>
 *
 * <p>Writes are idempotent (fixed ids, PUT; HAPI ignores an update without changes). HAPI would
 * start one reindex job per changed parameter, and such a job reindexes every resource that exists
 * when it runs, including all written after this start. Instead, the writes here ask HAPI not to,
 * and one reindex job is started only when a parameter really changed and resources of its type
 * already exist.
 */
public class SearchParameterSetup {

  private static final Logger log = LoggerFactory.getLogger(SearchParameterSetup.class);
  private static final String OWN_PARAMETERS = "classpath*:fhir/search/SearchParameter-*.json";

  private final FhirContext fhirContext;
  private final Map<String, List<String>> unindexed;
  private final ISearchParamRegistry registry;
  private final SearchParamRegistryImpl registryController;
  private final DaoRegistry daoRegistry;
  private final IJobCoordinator jobCoordinator;

  public SearchParameterSetup(
      FhirContext fhirContext,
      Map<String, List<String>> unindexed,
      ISearchParamRegistry registry,
      SearchParamRegistryImpl registryController,
      DaoRegistry daoRegistry,
      IJobCoordinator jobCoordinator) {
    this.fhirContext = fhirContext;
    this.unindexed = unindexed;
    this.registry = registry;
    this.registryController = registryController;
    this.daoRegistry = daoRegistry;
    this.jobCoordinator = jobCoordinator;
  }

  /** Stores the parameters; returns the resource types whose existing data is being reindexed. */
  public Set<String> apply() {
    List<SearchParameter> parameters = new ArrayList<>(ownParameters());
    unindexed.forEach(
        (resourceType, codes) -> {
          for (String code : codes) {
            RuntimeSearchParam builtIn =
                registry.getActiveSearchParam(
                    resourceType, code, ISearchParamRegistry.SearchParamLookupContextEnum.ALL);
            if (builtIn != null) {
              parameters.add(retiredCopy(resourceType, builtIn));
            }
          }
        });

    IFhirResourceDao<SearchParameter> dao = daoRegistry.getResourceDao(SearchParameter.class);
    Set<String> changedTypes = new TreeSet<>();
    for (SearchParameter parameter : parameters) {
      SystemRequestDetails request = new SystemRequestDetails();
      request.getUserData().put(JpaConstants.SKIP_REINDEX_ON_UPDATE, Boolean.TRUE);
      if (!dao.update(parameter, request).isNop()) {
        parameter.getBase().forEach(base -> changedTypes.add(base.getValue()));
      }
    }
    registryController.forceRefresh();
    Set<String> reindexed = new TreeSet<>();
    for (String type : changedTypes) {
      if (hasResources(type)) {
        startReindex(type);
        reindexed.add(type);
      }
    }
    log.info(
        "Search parameters: {} own, {} built-ins not indexed; reindexing existing {}",
        parameters.size() - retiredCount(parameters),
        retiredCount(parameters),
        reindexed.isEmpty() ? "(none)" : reindexed);
    return reindexed;
  }

  private List<SearchParameter> ownParameters() {
    try {
      List<SearchParameter> own = new ArrayList<>();
      for (Resource file : new PathMatchingResourcePatternResolver().getResources(OWN_PARAMETERS)) {
        try (InputStream in = file.getInputStream()) {
          own.add(
              fhirContext
                  .newJsonParser()
                  .parseResource(
                      SearchParameter.class,
                      new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
      }
      return own;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + OWN_PARAMETERS, e);
    }
  }

  private boolean hasResources(String resourceType) {
    SearchParameterMap oneResource = SearchParameterMap.newSynchronous();
    oneResource.setCount(1);
    return !daoRegistry
        .getResourceDao(resourceType)
        .search(oneResource, new SystemRequestDetails())
        .isEmpty();
  }

  private void startReindex(String resourceType) {
    ReindexJobParameters parameters = new ReindexJobParameters();
    parameters.addUrl(resourceType + "?");
    JobInstanceStartRequest request = new JobInstanceStartRequest();
    request.setJobDefinitionId(ReindexUtils.JOB_REINDEX);
    request.setParameters(parameters);
    jobCoordinator.startInstance(new SystemRequestDetails(), request);
  }

  private static long retiredCount(List<SearchParameter> parameters) {
    return parameters.stream()
        .filter(p -> p.getStatus() == Enumerations.PublicationStatus.RETIRED)
        .count();
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
