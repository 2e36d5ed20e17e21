package no.homemonitoring.server.ingest;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The bridge's own tables, migrated by Flyway with a history table of their own, so that HAPI's
 * schema (managed by Hibernate and HAPI's migrator) and ours never meet.
 */
final class IngestSchema {

  static final String HISTORY_TABLE = "hm_schema_history";

  private IngestSchema() {}

  static void migrate(DataSource dataSource) {
    Flyway.configure()
        .dataSource(dataSource)
        .table(HISTORY_TABLE)
        .locations("classpath:db/ingest/" + vendorFolder(dataSource))
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }

  private static String vendorFolder(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
      if (product.contains("postgres")) {
        return "postgresql";
      }
      if (product.contains("h2")) {
        return "h2";
      }
      throw new IllegalStateException(
          "The ingest inbox supports H2 and PostgreSQL, not " + product);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the database product", e);
    }
  }
}
