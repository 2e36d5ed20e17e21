package no.homemonitoring.benchmark;

import java.util.Locale;

/** The database the server under test stores in. */
enum Database {
  /** The server's default: an H2 file database in its fresh data directory. */
  H2,
  /** The server's {@code postgres} profile on a fresh embedded PostgreSQL cluster. */
  POSTGRESQL;

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
