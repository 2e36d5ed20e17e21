package no.homemonitoring.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;

/**
 * Settings of the home-monitoring server, under the prefix {@code homemonitoring}. Every key is
 * documented in {@code application.yaml}.
 *
 * @param dataDir directory of the embedded H2 database (and any other local state)
 * @param fhir how the FHIR endpoint behaves
 * @param demoData the synthetic demo population
 * @param validation profile validation on write
 * @param searchCache responses of one patient's Observation searches, kept until that patient's
 *     Observations change
 */
@ConfigurationProperties("homemonitoring")
public record HomeMonitoringProperties(
    @DefaultValue("./data") Path dataDir,
    @DefaultValue Fhir fhir,
    @DefaultValue DemoData demoData,
    @DefaultValue SearchCache searchCache,
    @DefaultValue Validation validation) {

  /**
   * The settings as the application will bind them, for the post-processors that decide on bean
   * definitions before any bean (this record included) exists.
   */
  public static HomeMonitoringProperties bind(Environment environment) {
    return Binder.get(environment).bindOrCreate("homemonitoring", HomeMonitoringProperties.class);
  }

  /**
   * @param enabled hold every write of a profiled resource type to the project's profile (422 when
   *     it fails); off only to measure what validation costs
   */
  public record Validation(@DefaultValue("true") boolean enabled) {}

  /**
   * @param resourceTypes the resource types served; all others are refused with 404
   * @param defaultPageSize page size when a search names no {@code _count}
   * @param maxPageSize the largest {@code _count} honoured
   * @param stockHapiDefaults serve with HAPI's default storage settings instead of ours; exists
   *     only so that the benchmark can measure our tuning against a stock server in the same run
   * @param offsetPaging run every search as one offset-paged query instead of HAPI's stored search
   *     results (see {@code StatelessPagingInterceptor})
   * @param unindexedSearchParameters per resource type, the built-in search parameters that are not
   *     indexed (and so cannot be searched by)
   */
  public record Fhir(
      @DefaultValue({
            "Patient",
            "Observation",
            "CarePlan",
            "Goal",
            "Consent",
            "RelatedPerson",
            "Device",
            "Practitioner",
            "PractitionerRole",
            "Organization",
            "CareTeam",
            "Provenance",
            "AuditEvent",
            "Flag",
            "DetectedIssue",
            "Task",
            "DocumentReference",
            "Subscription",
            "StructureDefinition",
            "ValueSet",
            "CodeSystem",
            "ConceptMap",
            "SearchParameter"
          })
          List<String> resourceTypes,
      @DefaultValue("20") int defaultPageSize,
      @DefaultValue("200") int maxPageSize,
      @DefaultValue("false") boolean stockHapiDefaults,
      @DefaultValue("true") boolean offsetPaging,
      Map<String, List<String>> unindexedSearchParameters) {

    public Fhir {
      unindexedSearchParameters =
          unindexedSearchParameters == null ? Map.of() : Map.copyOf(unindexedSearchParameters);
    }
  }

  /**
   * @param load load (or refresh) the synthetic demo population when the server starts
   * @param patients how many demo patients
   * @param days how many days of measurements, ending today
   */
  public record DemoData(
      @DefaultValue("false") boolean load,
      @DefaultValue("20") int patients,
      @DefaultValue("30") int days) {}

  /**
   * @param enabled keep responses of searches confined to one patient's Observations until that
   *     patient's Observations change; local to the process, so switch it off when several nodes
   *     serve the same database
   * @param maxMegabytes memory for stored responses
   * @param timeToLive longest time a response is kept (bounds staleness from changes that are not
   *     resource writes, such as a reindex)
   */
  public record SearchCache(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("32") int maxMegabytes,
      @DefaultValue("10m") java.time.Duration timeToLive) {}
}
