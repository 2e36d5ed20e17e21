package no.homemonitoring.server.ingest;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Where the inbox tables live. On H2 they get a database file of their own: H2 writes every changed
 * page of a database at each commit (with {@code WRITE_DELAY=0}), one commit at a time, so in the
 * FHIR store's file an acknowledgement waited for the pages of the worker's unfinished transaction
 * and for other commits' writes; in a file of its own it writes only the inbox's few pages.
 * PostgreSQL commits in parallel and keeps the inbox in the main database.
 *
 * <p>Nothing needs the inbox and the FHIR store in one transaction: an Observation's id follows
 * from its measurement, so storing it again after a crash finds the first copy.
 *
 * @param dataSource the inbox's connections
 * @param transactions transactions over them
 * @param own the pool this object made (closed with it), or null when it is the main database's
 */
public record InboxDatabase(
    DataSource dataSource, PlatformTransactionManager transactions, HikariDataSource own)
    implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(InboxDatabase.class);

  /** The main database's pool and transactions. */
  static InboxDatabase shared(DataSource main, PlatformTransactionManager transactions) {
    return new InboxDatabase(main, transactions, null);
  }

  /** A database of the inbox's own at this JDBC URL. */
  static InboxDatabase own(String url) {
    HikariDataSource pool = new HikariDataSource();
    pool.setPoolName("inbox");
    pool.setJdbcUrl(url);
    if (url.startsWith("jdbc:h2:")) {
      // The embedded database's user, as for the main one; other databases name theirs in the URL.
      pool.setUsername("sa");
      pool.setPassword("");
    }
    // The acknowledgements of concurrent pushes, the worker's claims and the status reads.
    pool.setMaximumPoolSize(10);
    pool.setMinimumIdle(2);
    log.info("Ingest inbox in its own database: {}", url.replaceFirst("[;?].*", ""));
    return new InboxDatabase(pool, new DataSourceTransactionManager(pool), pool);
  }

  @Override
  public void close() {
    if (own != null) {
      own.close();
    }
  }
}
