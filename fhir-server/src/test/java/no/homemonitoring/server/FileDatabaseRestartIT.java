package no.homemonitoring.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default H2 file database keeps data across restarts, and the demo data never doubles. */
class FileDatabaseRestartIT {

  @TempDir Path dataDir;

  @Test
  void dataAndDemoPopulationSurviveARestartWithoutDuplicates() {
    String[] settings = {
      "homemonitoring.data-dir=" + dataDir,
      "homemonitoring.demo-data.load=true",
      "homemonitoring.demo-data.patients=2",
      "homemonitoring.demo-data.days=3"
    };
    String patientId;
    int observationsAfterFirstLoad;
    try (RunningServer server = RunningServer.start(settings)) {
      patientId = server.createPatient();
      observationsAfterFirstLoad = count(server, Observation.class);
      assertThat(observationsAfterFirstLoad).isGreaterThan(10);
      assertThat(count(server, Patient.class)).isEqualTo(3);
    }
    assertThat(dataDir.resolve("homemonitoring.mv.db")).exists();

    try (RunningServer server = RunningServer.start(settings)) {
      Patient read = server.client().read().resource(Patient.class).withId(patientId).execute();

      assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Nordmann");
      assertThat(count(server, Patient.class)).isEqualTo(3);
      assertThat(count(server, Observation.class)).isEqualTo(observationsAfterFirstLoad);
      Bundle history =
          server
              .client()
              .history()
              .onType(Observation.class)
              .returnBundle(Bundle.class)
              .count(1000)
              .execute();
      assertThat(history.getEntry())
          .as("reloading unchanged demo data creates no new versions")
          .hasSize(observationsAfterFirstLoad);
      for (Class<? extends org.hl7.fhir.r4.model.Resource> type :
          List.of(CodeSystem.class, ValueSet.class, ConceptMap.class)) {
        int resources = count(server, type);
        assertThat(resources).as(type.getSimpleName()).isGreaterThan(5);
        assertThat(
                server
                    .client()
                    .history()
                    .onType(type)
                    .returnBundle(Bundle.class)
                    .count(1000)
                    .execute()
                    .getEntry())
            .as("reloading the terminology creates no new %s versions", type.getSimpleName())
            .hasSize(resources);
      }
    }
  }

  private static int count(
      RunningServer server, Class<? extends org.hl7.fhir.r4.model.Resource> type) {
    return server
        .client()
        .search()
        .forResource(type)
        .totalMode(ca.uhn.fhir.rest.api.SearchTotalModeEnum.ACCURATE)
        .count(0)
        .returnBundle(Bundle.class)
        .execute()
        .getTotal();
  }
}
