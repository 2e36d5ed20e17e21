package no.homemonitoring.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

class InboxMoveTest {

  private static JdbcDataSource database() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return dataSource;
  }

  private static SubmissionStore store(JdbcDataSource dataSource) {
    return new SubmissionStore(
        new JdbcTemplate(dataSource),
        new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
  }

  private static Submission received(String id) {
    Instant now = Instant.parse("2026-12-07T06:00:00Z");
    return new Submission(
        id,
        "acme",
        "openmhealth",
        now,
        "0".repeat(64),
        "{\"body\":\"blodtrykk\"}".getBytes(StandardCharsets.UTF_8),
        Submission.RECEIVED,
        0,
        now,
        null,
        0);
  }

  @Test
  void anInboxInTheMainDatabaseMovesToItsOwnWithNothingLostAndTheOldTablesGone() {
    JdbcDataSource main = database();
    JdbcDataSource inbox = database();
    IngestSchema.migrate(main);
    SubmissionStore old = store(main);
    old.insert(received("waiting"));
    old.insert(received("done"));
    old.complete(
        "done",
        List.of(
            new MeasurementOutcome(
                0, "pulse", "x", MeasurementOutcome.CREATED, null, "o", "1", null)));
    old.firstUseOf("acme", "a".repeat(64), Instant.now());
    IngestSchema.migrate(inbox);

    int moved = InboxMove.fromMainDatabase(main, inbox);

    assertThat(moved).isEqualTo(4);
    SubmissionStore moving = store(inbox);
    assertThat(moving.find("waiting"))
        .get()
        .satisfies(
            s -> {
              assertThat(s.status()).isEqualTo(Submission.RECEIVED);
              assertThat(new String(s.payload(), StandardCharsets.UTF_8)).contains("blodtrykk");
            });
    assertThat(moving.outcomes("done"))
        .extracting(MeasurementOutcome::observationId)
        .containsExactly("o");
    assertThat(moving.firstUseOf("acme", "a".repeat(64), Instant.now()))
        .as("the replay window moved too")
        .isFalse();
    assertThat(moving.due(Instant.parse("2026-12-08T00:00:00Z"), 10)).containsExactly("waiting");
    assertThat(
            new JdbcTemplate(main)
                .queryForObject(
                    "select count(*) from information_schema.tables where lower(table_name) like"
                        + " 'hm_%'",
                    Integer.class))
        .isZero();
    assertThat(InboxMove.fromMainDatabase(main, inbox)).as("once").isZero();
  }

  @Test
  void aLargeInboxMovesInSeveralCommits() {
    JdbcDataSource main = database();
    JdbcDataSource inbox = database();
    IngestSchema.migrate(main);
    SubmissionStore old = store(main);
    for (int i = 0; i < 1201; i++) {
      old.insert(received("s-" + i));
    }
    IngestSchema.migrate(inbox);

    assertThat(InboxMove.fromMainDatabase(main, inbox)).isEqualTo(1201);
    assertThat(store(inbox).due(Instant.parse("2026-12-08T00:00:00Z"), 2000)).hasSize(1201);
  }

  @Test
  void aMoveInterruptedBeforeTheDropIsDoneAgainWithoutDoublingAnything() {
    JdbcDataSource main = database();
    JdbcDataSource inbox = database();
    IngestSchema.migrate(main);
    store(main).insert(received("waiting"));
    IngestSchema.migrate(inbox);
    store(inbox).insert(received("waiting")); // copied by a start that died before the drop

    assertThat(InboxMove.fromMainDatabase(main, inbox)).isEqualTo(1);
    assertThat(store(inbox).due(Instant.parse("2026-12-08T00:00:00Z"), 10))
        .containsExactly("waiting");
  }
}
