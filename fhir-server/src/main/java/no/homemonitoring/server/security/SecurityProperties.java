package no.homemonitoring.server.security;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call the server, under the prefix {@code homemonitoring.security}. Every key is
 * documented in {@code application.yaml}.
 *
 * @param issuer the exact {@code iss} of accepted access tokens (HelseID, or the development
 *     issuer)
 * @param audience the exact {@code aud} an accepted token must name
 * @param jwkSetUri where the issuer's signing keys are published (JWKS)
 * @param minSecurityLevel the lowest {@code helseid://claims/identity/security_level} accepted for
 *     a person (clinician, patient, relative)
 * @param clients the role of each registered client ({@code client_id}); citizens' apps are
 *     recognised by the {@code fhirUser} of the token instead
 * @param devIssuer the built-in development issuer
 * @param auditWindow accesses by the same caller to the same patient with the same interaction and
 *     outcome within this window are stored as one AuditEvent (period, count, queries)
 * @param auditJournal directory of the local journal of accesses not yet stored (replayed at start
 *     after a crash)
 */
@ConfigurationProperties("homemonitoring.security")
public record SecurityProperties(
    String issuer,
    @DefaultValue("homemonitoring-fhir") String audience,
    String jwkSetUri,
    @DefaultValue("4") int minSecurityLevel,
    @DefaultValue Map<String, Role> clients,
    @DefaultValue DevIssuer devIssuer,
    @DefaultValue("5s") Duration auditWindow,
    @DefaultValue("./data/audit-journal") java.nio.file.Path auditJournal) {

  /**
   * @param enabled run an issuer inside the server (keys generated at start, kept in memory only)
   *     and accept its tokens; for trying the roles on a workstation, never in production
   * @param tokenLifetime how long its tokens are valid
   */
  public record DevIssuer(
      @DefaultValue("false") boolean enabled, @DefaultValue("1h") Duration tokenLifetime) {}
}
