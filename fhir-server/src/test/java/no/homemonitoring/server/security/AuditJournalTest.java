package no.homemonitoring.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditJournalTest {

  @TempDir Path directory;

  @Test
  void aLineCutOffByACrashIsLeftOutEvenInsideACharacter() throws Exception {
    byte[] whole = "{\"a\":\"første\"}\n{\"b\":\"andre\"}\n".getBytes(StandardCharsets.UTF_8);
    byte[] cut = "{\"c\":\"tredje ø".getBytes(StandardCharsets.UTF_8);
    // Cut inside the two bytes of the last character.
    byte[] file = Arrays.copyOf(whole, whole.length + cut.length - 1);
    System.arraycopy(cut, 0, file, whole.length, cut.length - 1);
    Files.write(directory.resolve("audit-crashed-00000000.ndjson"), file);

    List<AuditJournal.Segment> orphans = new AuditJournal(directory).orphans();

    assertThat(orphans).hasSize(1);
    assertThat(orphans.get(0).lines()).containsExactly("{\"a\":\"første\"}", "{\"b\":\"andre\"}");
    orphans.get(0).delete();
  }

  @Test
  void anEmptySegmentHasNoLines() throws Exception {
    Files.write(directory.resolve("audit-empty-00000000.ndjson"), new byte[0]);
    AuditJournal.Segment segment = new AuditJournal(directory).orphans().get(0);
    assertThat(segment.lines()).isEmpty();
    segment.delete();
  }

  @Test
  void aSegmentKeptAsideSurvivesItsDeletionAndIsNotReadAgain() throws Exception {
    Files.writeString(
        directory.resolve("audit-damaged-00000000.ndjson"), "{\"a\":1}\n\u0000\u0000\n");
    AuditJournal journal = new AuditJournal(directory);
    AuditJournal.Segment segment = journal.orphans().get(0);

    segment.keepAside();
    segment.delete();

    assertThat(directory.resolve("audit-damaged-00000000.ndjson.unreadable")).exists();
    assertThat(directory.resolve("audit-damaged-00000000.ndjson")).doesNotExist();
    assertThat(journal.orphans()).isEmpty();
  }

  @Test
  void aSegmentInUseInThisProcessIsNotTakenByAnotherJournal() {
    AuditJournal writing = new AuditJournal(directory);
    writing.append("{\"a\":1}");

    assertThat(new AuditJournal(directory).orphans()).as("the live window's segment").isEmpty();

    AuditJournal.Segment closed = writing.rotate();
    assertThat(new AuditJournal(directory).orphans()).as("handed over, not yet stored").isEmpty();
    closed.delete();
  }

  @Test
  void segmentsAreReadableByTheServersUserOnly() throws Exception {
    Path journalDirectory = directory.resolve("audit-journal");
    AuditJournal journal = new AuditJournal(journalDirectory);
    journal.append("{\"who\":\"15835010187\"}");
    AuditJournal.Segment segment = journal.rotate();

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(segment.path)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(journalDirectory)))
        .isEqualTo("rwx------");
    segment.delete();
  }
}
