package no.homemonitoring.benchmark;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The database of one run, empty at its start, and what the server needs to use it. For PostgreSQL
 * that is a cluster of its own, started here and removed on close; close it after the server.
 */
final class RunDatabase implements AutoCloseable {

  static final String DATABASE_NAME = "homemonitoring";
  static final String POSTGRES_PROFILE = "--spring.profiles.active=postgres";

  private final Database database;
  private final EmbeddedPostgres postgres;
  private final Map<String, String> environment;

  private RunDatabase(Database database, EmbeddedPostgres postgres, Map<String, String> env) {
    this.database = database;
    this.postgres = postgres;
    this.environment = env;
  }

  static RunDatabase start(Database database) throws IOException {
    if (database == Database.H2) {
      // The server makes its H2 database in the fresh data directory ServerProcess gives it.
      return new RunDatabase(database, null, Map.of());
    }
    // Zonky turns synchronous_commit off for speed; production PostgreSQL has it on, and the
    // bridge acknowledges a push only once it is committed, so the difference is what is measured.
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + DATABASE_NAME);
      System.err.printf(
          "  PostgreSQL %s on port %d%n",
          connection.getMetaData().getDatabaseProductVersion(), postgres.getPort());
    } catch (SQLException e) {
      postgres.close();
      throw new IOException("could not create the benchmark database", e);
    }
    return new RunDatabase(
        database,
        postgres,
        Map.of(
            "HM_DB_URL",
            "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE_NAME,
            "HM_DB_USER",
            "postgres",
            "HM_DB_PASSWORD",
            ""));
  }

  /** {@code launch} with this database's profile and connection settings added. */
  ServerLaunch applyTo(ServerLaunch launch) {
    List<String> serverArgs = new ArrayList<>(launch.serverArgs());
    if (postgres != null) {
      serverArgs.add(POSTGRES_PROFILE);
    }
    Map<String, String> env = new HashMap<>(launch.environment());
    env.putAll(environment);
    return new ServerLaunch(
        database.label(), launch.jar(), launch.jvmOptions(), serverArgs, env, launch.keepData());
  }

  @Override
  public void close() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }
}
