package no.homemonitoring.benchmark;

import java.nio.file.Path;

/**
 * The server did not start, or exited in the middle of a run. Its log is the only clue why, so the
 * log is kept and named here.
 */
final class ServerFailedException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient Path log;

  ServerFailedException(String message, Path log) {
    super(message);
    this.log = log;
  }

  Path log() {
    return log;
  }
}
