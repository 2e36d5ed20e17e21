package no.homemonitoring.server.config;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.model.entity.NormalizedQuantitySearchLevel;

/**
 * HAPI storage settings for home monitoring: many small writes (measurements) and narrow reads (one
 * patient's series in a date window). Each setting differs from HAPI's default for a stated reason;
 * the benchmark compares the result against HAPI's defaults.
 */
final class HomeMonitoringStorageSettings {

  private HomeMonitoringStorageSettings() {}

  /**
   * What access control needs of any settings, HAPI's defaults included: a batch's reads run on the
   * request's own thread. On HAPI's pool they ran without the caller's security context, so the
   * rules that look at who asks (search narrowing, the directory's reverse-chain guard) saw no
   * caller there.
   */
  static JpaStorageSettings secured(JpaStorageSettings settings) {
    settings.setBundleBatchPoolSize(1);
    return settings;
  }

  static JpaStorageSettings create() {
    JpaStorageSettings settings = new JpaStorageSettings();
    // A nurse must see a measurement the moment it is stored: never answer a search from a
    // result set cached by an earlier, identical search (HAPI reuses them for a minute).
    settings.setReuseCachedSearchResultsForMillis(null);
    // meta.source costs a row per version; a measurement's origin is recorded as Provenance.
    settings.setStoreMetaSourceInformation(JpaStorageSettings.StoreMetaSourceInformationEnum.NONE);
    // Index rows keep only the hashes HAPI searches by, not the redundant name columns:
    // fewer bytes written per Observation.
    settings.setIndexStorageOptimized(true);
    // Quantities are also indexed in UCUM canonical form, and a search in UCUM units is answered
    // from that index: a weight sent in [lb_av] or g is found by a search in kg, a pressure in kPa
    // by a search in mm[Hg]. The canonical forms come from the terminology module's cached UCUM
    // service (see HapiUcum); uncached they cost about a millisecond per quantity.
    settings.setNormalizedQuantitySearchLevel(
        NormalizedQuantitySearchLevel.NORMALIZED_QUANTITY_SEARCH_SUPPORTED);
    return secured(settings);
  }
}
