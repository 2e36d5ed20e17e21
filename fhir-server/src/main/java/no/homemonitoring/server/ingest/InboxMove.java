package no.homemonitoring.server.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the inbox an earlier version kept in the main H2 database into the inbox's own database,
 * once, at the first start with a separate inbox: every submission (those not processed yet, and
 * the others, which vendors still ask about), their outcomes, the signatures of the replay window
 * and the Withings accounts. The copy is committed before the old tables are dropped, a few hundred
 * rows at a time (payloads can be large), and rows already copied are merged, not doubled, when an
 * interrupted start does it again.
 */
final class InboxMove {

  private static final Logger log = LoggerFactory.getLogger(InboxMove.class);

  /** Parents before children (the outcomes reference their submission). */
  private static final List<String> TABLES =
      List.of(
          "hm_ingest_submission",
          "hm_ingest_outcome",
          "hm_ingest_signature",
          "hm_withings_account");

  /** Rows copied per commit: bounded memory for an inbox of any size. */
  private static final int ROWS_PER_COMMIT = 500;

  private InboxMove() {}

  /** Returns the number of rows moved (0 when the main database holds no inbox). */
  static int fromMainDatabase(DataSource main, DataSource inbox) {
    try (Connection from = main.getConnection();
        Connection to = inbox.getConnection()) {
      if (!exists(from, TABLES.get(0))) {
        return 0;
      }
      if (!isH2(from) || !isH2(to)) {
        throw new IllegalStateException(
            "The main database holds inbox tables (hm_ingest_*) and"
                + " homemonitoring.ingest.inbox-url names another database; only an H2 inbox is"
                + " moved automatically. Empty the setting to keep the inbox in the main database.");
      }
      boolean autoCommit = to.getAutoCommit();
      to.setAutoCommit(false);
      int rows = 0;
      try {
        for (String table : TABLES) {
          if (exists(from, table)) {
            rows += copy(from, to, table);
          }
        }
      } catch (SQLException | RuntimeException e) {
        to.rollback();
        throw e;
      } finally {
        to.setAutoCommit(autoCommit);
      }
      try (Statement drop = from.createStatement()) {
        for (int i = TABLES.size() - 1; i >= 0; i--) {
          drop.execute("drop table if exists " + TABLES.get(i));
        }
        drop.execute("drop table if exists \"" + IngestSchema.HISTORY_TABLE + "\"");
        drop.execute("drop table if exists " + IngestSchema.HISTORY_TABLE);
      }
      log.info("Moved the ingest inbox ({} rows) from the main database to its own", rows);
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot move the ingest inbox to its own database", e);
    }
  }

  private static int copy(Connection from, Connection to, String table) throws SQLException {
    int rows = 0;
    try (Statement select = from.createStatement();
        ResultSet rs = select.executeQuery("select * from " + table)) {
      ResultSetMetaData columns = rs.getMetaData();
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= columns.getColumnCount(); i++) {
        names.add(columns.getColumnName(i));
      }
      String merge =
          "merge into "
              + table
              + " ("
              + String.join(", ", names)
              + ") values ("
              + String.join(", ", Collections.nCopies(names.size(), "?"))
              + ")";
      try (PreparedStatement insert = to.prepareStatement(merge)) {
        while (rs.next()) {
          for (int i = 1; i <= names.size(); i++) {
            insert.setObject(i, rs.getObject(i));
          }
          insert.addBatch();
          rows++;
          if (rows % ROWS_PER_COMMIT == 0) {
            insert.executeBatch();
            to.commit();
          }
        }
        insert.executeBatch();
        to.commit();
      }
    }
    return rows;
  }

  private static boolean exists(Connection connection, String table) throws SQLException {
    try (ResultSet tables =
        connection
            .getMetaData()
            .getTables(null, null, table.toUpperCase(Locale.ROOT), new String[] {"TABLE"})) {
      return tables.next();
    }
  }

  private static boolean isH2(Connection connection) throws SQLException {
    return connection
        .getMetaData()
        .getDatabaseProductName()
        .toLowerCase(Locale.ROOT)
        .contains("h2");
  }
}
