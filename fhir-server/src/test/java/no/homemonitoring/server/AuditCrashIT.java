package no.homemonitoring.server;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import no.homemonitoring.server.security.AuditWriter;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every access leaves its AuditEvent even when the server is killed before the access's audit
 * window is stored: the accesses are in the local audit journal, and the next start stores them,
 * each once, also when the same journal is stored a second time.
 */
class AuditCrashIT {

  private static final int READS = 7;

  @TempDir Path dataDir;

  @Test
  void accessesBeforeAKillAreAuditedOnceAfterTheRestart() throws Exception {
    int port = KillableServer.freePort();
    Path journal = dataDir.resolve("audit-journal");
    Path copy = dataDir.resolve("journal-copy");
    String patientId;
    Instant killed;

    // 1. A window far longer than the test: nothing is stored before the kill.
    KillableServer first =
        KillableServer.start(dataDir, port, Map.of(), "homemonitoring.security.audit-window=1h");
    try {
      IGenericClient fhir = first.client();
      patientId =
          fhir.create()
              .resource(FhirServerContract.patient(FhirServerContract.uniqueFnr()))
              .execute()
              .getId()
              .getIdPart();
      for (int i = 0; i < READS; i++) {
        fhir.read().resource(Patient.class).withId(patientId).execute();
      }
      fhir.search()
          .forResource(Patient.class)
          .where(Patient.RES_ID.exactly().code(patientId))
          .returnBundle(Bundle.class)
          .execute();
    } finally {
      first.kill();
    }
    killed = Instant.now();
    assertThat(segments(journal)).as("the journal the killed server left").isNotEmpty();
    Files.createDirectories(copy);
    for (Path segment : segments(journal)) {
      Files.copy(segment, copy.resolve(segment.getFileName()));
    }

    // 2. The next start stores them before it takes requests, and the journal is emptied.
    List<AuditEvent> stored;
    KillableServer second = KillableServer.start(dataDir, port, Map.of());
    try {
      stored = auditBefore(second.client(), patientId, killed);
      assertThat(stored.stream().map(e -> e.getSubtypeFirstRep().getCode()))
          .as("the create, the reads and the search, each kind once")
          .containsExactlyInAnyOrder("create", "read", "search-type");
      AuditEvent reads =
          stored.stream()
              .filter(e -> "read".equals(e.getSubtypeFirstRep().getCode()))
              .findFirst()
              .orElseThrow();
      assertThat(
              ((IntegerType) reads.getExtensionByUrl(AuditWriter.REPETITIONS).getValue())
                  .getValue())
          .as("every read counted")
          .isEqualTo(READS);
      assertThat(segments(journal).stream().map(Path::getFileName))
          .as("the killed server's segments are gone once stored")
          .doesNotContainAnyElementsOf(segments(copy).stream().map(Path::getFileName).toList());
    } finally {
      second.kill();
    }

    // 3. The same journal stored again (as after a kill between the commit and the delete): each
    // event still once, unchanged.
    for (Path segment : segments(copy)) {
      Files.copy(segment, journal.resolve(segment.getFileName()));
    }
    KillableServer third = KillableServer.start(dataDir, port, Map.of());
    try {
      List<AuditEvent> again = auditBefore(third.client(), patientId, killed);
      assertThat(again.stream().map(e -> e.getIdElement().getIdPart()))
          .containsExactlyInAnyOrderElementsOf(
              stored.stream().map(e -> e.getIdElement().getIdPart()).toList());
      assertThat(again.stream().map(e -> e.getMeta().getVersionId())).containsOnly("1");
    } finally {
      third.kill();
    }
  }

  /** The patient's AuditEvents recorded before the kill (later reads audit themselves). */
  private static List<AuditEvent> auditBefore(IGenericClient fhir, String patientId, Instant t) {
    Bundle found =
        fhir.search()
            .forResource(AuditEvent.class)
            .where(AuditEvent.PATIENT.hasId("Patient/" + patientId))
            .and(AuditEvent.DATE.before().millis(java.util.Date.from(t)))
            .count(100)
            .returnBundle(Bundle.class)
            .execute();
    return found.getEntry().stream().map(e -> (AuditEvent) e.getResource()).toList();
  }

  private static List<Path> segments(Path directory) throws java.io.IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(p -> p.toString().endsWith(".ndjson")).sorted().toList();
    }
  }
}
