package no.homemonitoring.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PatientSearchCacheTest {

  private final PatientSearchCache cache = new PatientSearchCache(1 << 20, Duration.ofMinutes(1));
  private final PatientSearchCache.Entry entry =
      new PatientSearchCache.Entry("application/fhir+json", null, new byte[] {1, 2, 3});

  @Test
  void aResponseIsKeptUntilThePatientsObservationsChange() {
    cache.put("p1", "q", cache.stamp("p1"), entry);
    cache.put("p2", "q", cache.stamp("p2"), entry);
    assertThat(cache.get(PatientSearchCache.patientKey("p1", "q"))).isSameAs(entry);

    cache.patientChanged("p1");

    assertThat(cache.get(PatientSearchCache.patientKey("p1", "q"))).isNull();
    assertThat(cache.get(PatientSearchCache.patientKey("p2", "q"))).isSameAs(entry);
  }

  @Test
  void aResponseProducedWhileThePatientChangedIsNotKept() {
    long stamp = cache.stamp("p1");
    cache.patientChanged("p1");

    cache.put("p1", "q", stamp, entry);

    assertThat(cache.get(PatientSearchCache.patientKey("p1", "q"))).isNull();
  }

  @Test
  void aChangeToEverythingDropsAllAndRefusesResponsesInFlight() {
    long stamp = cache.stamp("p2");
    cache.put("p1", "q", cache.stamp("p1"), entry);

    cache.everythingChanged();
    cache.put("p2", "q", stamp, entry);

    assertThat(cache.size()).isZero();
  }

  @Test
  void onlySearchesConfinedToOnePatientAreCacheable() {
    assertThat(PatientSearchCacheFilter.patientOf(params("patient", "Patient/p-1", "code", "x")))
        .isEqualTo("p-1");
    assertThat(PatientSearchCacheFilter.patientOf(params("patient", "p-1"))).isEqualTo("p-1");
    assertThat(PatientSearchCacheFilter.patientOf(params("subject", "Patient/p-1")))
        .isEqualTo("p-1");
    assertThat(PatientSearchCacheFilter.patientOf(params("subject", "Group/g"))).isNull();
    assertThat(PatientSearchCacheFilter.patientOf(params("code", "x"))).isNull();
    assertThat(PatientSearchCacheFilter.patientOf(params("patient", "p-1", "_include", "x")))
        .isNull();
    assertThat(PatientSearchCacheFilter.patientOf(params("patient", "p-1", "_revinclude", "x")))
        .isNull();
    assertThat(PatientSearchCacheFilter.patientOf(params("patient", "p-1", "_has:X", "x")))
        .isNull();
    assertThat(PatientSearchCacheFilter.patientOf(params("patient.name", "Kari"))).isNull();
    assertThat(PatientSearchCacheFilter.patientOf(params("patient:missing", "true"))).isNull();
    assertThat(PatientSearchCacheFilter.patientOf(params("patient", "a", "subject", "Patient/b")))
        .isNull();
    assertThat(
            PatientSearchCacheFilter.patientOf(
                Map.of("patient", new String[] {"Patient/a", "Patient/b"})))
        .isNull();
    assertThat(PatientSearchCacheFilter.patientOf(params("patient", "Patient/a,Patient/b")))
        .isNull();
  }

  private static Map<String, String[]> params(String... namesAndValues) {
    Map<String, String[]> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put(namesAndValues[i], new String[] {namesAndValues[i + 1]});
    }
    return map;
  }
}
