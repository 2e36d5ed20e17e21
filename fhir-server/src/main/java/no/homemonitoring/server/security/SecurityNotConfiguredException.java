package no.homemonitoring.server.security;

/** The server cannot check tokens as configured; it does not start. */
public class SecurityNotConfiguredException extends IllegalStateException {
  public SecurityNotConfiguredException(String message) {
    super(message);
  }
}
