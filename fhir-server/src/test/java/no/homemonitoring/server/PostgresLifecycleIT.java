package no.homemonitoring.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import no.homemonitoring.server.startup.DatabaseUnreachableFailureAnalyzer;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

/** Starting against PostgreSQL: a second start on the same database, and no database at all. */
class PostgresLifecycleIT {

  static EmbeddedPostgres postgres;

  @BeforeAll
  static void startPostgres() throws IOException {
    postgres = EmbeddedPostgres.start();
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    postgres.close();
  }

  @org.junit.jupiter.api.io.TempDir java.nio.file.Path dataDir;

  @Test
  void secondStartOnTheSameDatabaseKeepsTheData() {
    String[] settings = {
      "spring.profiles.active=postgres",
      "spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
      "spring.datasource.username=postgres",
      "spring.datasource.password=",
      "homemonitoring.data-dir=" + dataDir
    };
    String patientId;
    try (RunningServer server = RunningServer.start(settings)) {
      patientId = server.createPatient();
    }

    try (RunningServer server = RunningServer.start(settings)) {
      Patient read = server.client().read().resource(Patient.class).withId(patientId).execute();
      assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Nordmann");
    }
  }

  @Test
  void unreachableDatabaseFailsTheStartWithOneClearMessage() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String url = "jdbc:postgresql://localhost:" + closedPort + "/homemonitoring";

    assertThatThrownBy(
            () ->
                RunningServer.start(
                    "spring.profiles.active=postgres",
                    "spring.datasource.url=" + url,
                    "spring.datasource.username=nobody",
                    "homemonitoring.data-dir=" + dataDir))
        .satisfies(
            failure -> {
              DatabaseUnreachableFailureAnalyzer analyzer =
                  new DatabaseUnreachableFailureAnalyzer(
                      new MockEnvironment().withProperty("spring.datasource.url", url));
              FailureAnalysis analysis = analyzer.analyze(failure);
              assertThat(analysis).isNotNull();
              assertThat(analysis.getDescription())
                  .startsWith("The database could not be reached at " + url);
              assertThat(analysis.getAction()).contains("HM_DB_URL");
            });
  }
}
