package no.homemonitoring.server.startup;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Turns the long chain of bean-creation errors that an unreachable database causes into one message
 * that says which database could not be reached and what to check.
 */
public class DatabaseUnreachableFailureAnalyzer extends AbstractFailureAnalyzer<SQLException> {

  private final Environment environment;

  /** Spring Boot passes the environment of the application that failed to start. */
  public DatabaseUnreachableFailureAnalyzer(Environment environment) {
    this.environment = environment;
  }

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, SQLException cause) {
    if (!isConnectionFailure(cause)) {
      return null;
    }
    String url = environment.getProperty("spring.datasource.url", "(not set)");
    return new FailureAnalysis(
        "The database could not be reached at " + url + ": " + cause.getMessage(),
        "Check that the database server is running and reachable, and that HM_DB_URL, HM_DB_USER"
            + " and HM_DB_PASSWORD are right (profile 'postgres'), or start without the profile to"
            + " use the embedded H2 database.",
        cause);
  }

  private static boolean isConnectionFailure(SQLException exception) {
    String state = exception.getSQLState();
    if (state != null && state.startsWith("08")) {
      return true;
    }
    for (Throwable t = exception; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof UnknownHostException) {
        return true;
      }
    }
    return false;
  }
}
