package no.homemonitoring.server.ingest;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The inbox tables. A payload is in here, committed, before the vendor gets its acknowledgement;
 * from then on it is retried until it is done or dead, across crashes and restarts.
 */
public class SubmissionStore {

  private static final String COLUMNS =
      "id, vendor, format, received_at, payload_sha256, payload, status, attempts,"
          + " next_attempt_at, last_error, quarantined";

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;

  public SubmissionStore(JdbcTemplate jdbc, TransactionTemplate transactions) {
    this.jdbc = jdbc;
    this.transactions = transactions;
  }

  /** Stores a new payload, committed when this returns. */
  public void insert(Submission s) {
    jdbc.update(
        "insert into hm_ingest_submission ("
            + COLUMNS
            + ", updated_at)"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        s.id(),
        s.vendor(),
        s.format(),
        utc(s.receivedAt()),
        s.payloadSha256(),
        s.payload(),
        s.status(),
        s.attempts(),
        utc(s.nextAttemptAt()),
        s.lastError(),
        s.quarantined(),
        utc(Instant.now()));
  }

  public Optional<Submission> find(String id) {
    return jdbc
        .query("select " + COLUMNS + " from hm_ingest_submission where id = ?", this::row, id)
        .stream()
        .findFirst();
  }

  /** Submissions due for processing: new ones, retries, and ones whose worker's lease ran out. */
  public List<String> due(Instant now, int limit) {
    return jdbc.queryForList(
        "select id from hm_ingest_submission where status in ('received', 'retry', 'processing')"
            + " and next_attempt_at <= ? order by next_attempt_at fetch first "
            + limit
            + " rows only",
        String.class,
        utc(now));
  }

  /**
   * Takes a due submission for processing until {@code now + lease}. Only one worker (of any node)
   * gets it.
   */
  public Optional<Submission> claim(String id, Instant now, Duration lease) {
    int claimed =
        jdbc.update(
            "update hm_ingest_submission set status = 'processing', attempts = attempts + 1,"
                + " next_attempt_at = ?, updated_at = ? where id = ?"
                + " and status in ('received', 'retry', 'processing') and next_attempt_at <= ?",
            utc(now.plus(lease)),
            utc(now),
            id,
            utc(now));
    return claimed == 1 ? find(id) : Optional.empty();
  }

  /**
   * Claims up to {@code limit} due submissions in one transaction (one commit, however many), for a
   * worker that processes them together. Those another worker took first are left out.
   */
  public List<Submission> claimDue(Instant now, Duration lease, int limit) {
    List<String> due = due(now, limit);
    if (due.isEmpty()) {
      return List.of();
    }
    List<String> claimed =
        transactions.execute(
            status ->
                due.stream()
                    .filter(
                        id ->
                            jdbc.update(
                                    "update hm_ingest_submission set status = 'processing',"
                                        + " attempts = attempts + 1, next_attempt_at = ?,"
                                        + " updated_at = ? where id = ? and status in"
                                        + " ('received', 'retry', 'processing') and"
                                        + " next_attempt_at <= ?",
                                    utc(now.plus(lease)),
                                    utc(now),
                                    id,
                                    utc(now))
                                == 1)
                    .toList());
    if (claimed == null || claimed.isEmpty()) {
      return List.of();
    }
    String marks = String.join(", ", java.util.Collections.nCopies(claimed.size(), "?"));
    return jdbc.query(
        "select " + COLUMNS + " from hm_ingest_submission where id in (" + marks + ")",
        this::row,
        claimed.toArray());
  }

  /** Runs work in one database transaction (rolled back when it throws). */
  public <T> T inTransaction(java.util.function.Supplier<T> work) {
    return transactions.execute(status -> work.get());
  }

  /** {@link #complete} for several submissions in one transaction. */
  public void completeAll(java.util.Map<String, List<MeasurementOutcome>> outcomesById) {
    transactions.executeWithoutResult(status -> outcomesById.forEach(this::complete));
  }

  /** Records every measurement's outcome and marks the submission done, in one transaction. */
  public void complete(String id, List<MeasurementOutcome> outcomes) {
    int quarantined =
        (int)
            outcomes.stream()
                .filter(o -> MeasurementOutcome.QUARANTINED.equals(o.outcome()))
                .count();
    transactions.executeWithoutResult(
        status -> {
          jdbc.update("delete from hm_ingest_outcome where submission_id = ?", id);
          jdbc.batchUpdate(
              "insert into hm_ingest_outcome (submission_id, seq, concept, identity, outcome,"
                  + " reason, observation_id, observation_version) values (?, ?, ?, ?, ?, ?, ?, ?)",
              outcomes.stream()
                  .map(
                      o ->
                          new Object[] {
                            id,
                            o.seq(),
                            o.concept(),
                            truncate(o.identity(), 300),
                            o.outcome(),
                            truncate(o.reason(), 2000),
                            o.observationId(),
                            o.observationVersion()
                          })
                  .toList());
          jdbc.update(
              "update hm_ingest_submission set status = 'done', last_error = null,"
                  + " quarantined = ?, updated_at = ? where id = ?",
              quarantined,
              utc(Instant.now()),
              id);
        });
  }

  /** Records a failed attempt: retried at {@code nextAttempt}, or dead when that is empty. */
  public void fail(String id, String error, Optional<Instant> nextAttempt) {
    jdbc.update(
        "update hm_ingest_submission set status = ?, last_error = ?, next_attempt_at = ?,"
            + " updated_at = ? where id = ?",
        nextAttempt.isPresent() ? Submission.RETRY : Submission.DEAD,
        truncate(error, 2000),
        utc(nextAttempt.orElse(Instant.now())),
        utc(Instant.now()),
        id);
  }

  public List<MeasurementOutcome> outcomes(String id) {
    return jdbc.query(
        "select seq, concept, identity, outcome, reason, observation_id, observation_version"
            + " from hm_ingest_outcome where submission_id = ? order by seq",
        (rs, n) ->
            new MeasurementOutcome(
                rs.getInt(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                null),
        id);
  }

  /** A vendor's submissions in a status, newest first. */
  public List<Submission> byStatus(String vendor, String status, int limit) {
    return jdbc.query(
        "select "
            + COLUMNS
            + " from hm_ingest_submission where vendor = ? and status = ?"
            + " order by received_at desc fetch first "
            + limit
            + " rows only",
        this::row,
        vendor,
        status);
  }

  /** Puts a dead submission back in the queue, with its attempts counted from zero. */
  public boolean replay(String id) {
    return jdbc.update(
            "update hm_ingest_submission set status = 'received', attempts = 0,"
                + " next_attempt_at = ?, updated_at = ? where id = ? and status = 'dead'",
            utc(Instant.now()),
            utc(Instant.now()),
            id)
        == 1;
  }

  /** Queues every finished submission that still has quarantined measurements; returns how many. */
  public int requeueQuarantined() {
    return jdbc.update(
        "update hm_ingest_submission set status = 'received', next_attempt_at = ?,"
            + " updated_at = ? where status = 'done' and quarantined > 0",
        utc(Instant.now()),
        utc(Instant.now()));
  }

  /** Remembers a signature; false if it was seen before (a replay). */
  public boolean firstUseOf(String vendor, String signatureSha256, Instant now) {
    try {
      jdbc.update(
          "insert into hm_ingest_signature (vendor, signature_sha256, seen_at) values (?, ?, ?)",
          vendor,
          signatureSha256,
          utc(now));
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  /** Forgets signatures older than the replay window (their timestamps are refused anyway). */
  public int forgetSignaturesBefore(Instant cutoff) {
    return jdbc.update("delete from hm_ingest_signature where seen_at < ?", utc(cutoff));
  }

  private Submission row(ResultSet rs, int n) throws SQLException {
    return new Submission(
        rs.getString("id"),
        rs.getString("vendor"),
        rs.getString("format"),
        rs.getObject("received_at", OffsetDateTime.class).toInstant(),
        rs.getString("payload_sha256"),
        rs.getBytes("payload"),
        rs.getString("status"),
        rs.getInt("attempts"),
        rs.getObject("next_attempt_at", OffsetDateTime.class).toInstant(),
        rs.getString("last_error"),
        rs.getInt("quarantined"));
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static String truncate(String text, int length) {
    return text == null || text.length() <= length ? text : text.substring(0, length);
  }
}
