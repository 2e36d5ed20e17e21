package no.homemonitoring.server.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** One clear startup error when the server has no way to check access tokens. */
public class SecurityNotConfiguredFailureAnalyzer
    extends AbstractFailureAnalyzer<SecurityNotConfiguredException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, SecurityNotConfiguredException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Configure the token issuer (see the configuration table in README.md), or use the"
            + " development issuer on a workstation.",
        cause);
  }
}
