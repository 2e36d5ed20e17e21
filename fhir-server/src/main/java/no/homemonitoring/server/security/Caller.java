package no.homemonitoring.server.security;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The authenticated caller of one request, as its access token describes it (HelseID-style claims
 * and SMART v2 scopes).
 *
 * @param role what the caller is to the server
 * @param subject the token's {@code sub}
 * @param clientId the client the token was issued to
 * @param personId the person's national id ({@code helseid://claims/identity/pid}), if a person
 * @param hprNumber the clinician's HPR number, if any
 * @param legalEntity organisation number of the legal entity the caller acts for (e.g. the
 *     municipality)
 * @param unit organisation number of the unit within it
 * @param securityLevel the identity's security level (3 or 4), 0 if not given
 * @param fhirUser the FHIR resource the caller is ({@code Patient/x}, {@code RelatedPerson/y}), if
 *     any
 * @param scopes the SMART scopes granted
 * @param tokenId the token's {@code jti}, for the audit trail
 */
public record Caller(
    Role role,
    String subject,
    String clientId,
    String personId,
    String hprNumber,
    String legalEntity,
    String unit,
    int securityLevel,
    String fhirUser,
    SmartScopes scopes,
    String tokenId) {

  public static final String PID = "helseid://claims/identity/pid";
  public static final String SECURITY_LEVEL = "helseid://claims/identity/security_level";
  public static final String HPR_NUMBER = "helseid://claims/hpr/hpr_number";
  public static final String ORGNR_PARENT = "helseid://claims/client/claims/orgnr_parent";
  public static final String ORGNR_CHILD = "helseid://claims/client/claims/orgnr_child";
  public static final String FHIR_USER = "fhirUser";

  /** The caller of the current request, if it carried a valid token. */
  public static Optional<Caller> current() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication instanceof JwtAuthenticationToken token
        && token.getDetails() instanceof Caller caller) {
      return Optional.of(caller);
    }
    return Optional.empty();
  }

  /**
   * The caller a validated token describes, or empty if the token gives it no role: neither a
   * registered client nor a citizen ({@code fhirUser} a Patient or RelatedPerson).
   */
  public static Optional<Caller> of(Jwt jwt, Map<String, Role> clientRoles) {
    String clientId = firstOf(jwt, "client_id", "azp");
    String fhirUser = jwt.getClaimAsString(FHIR_USER);
    Role role = null;
    if (fhirUser != null && fhirUser.matches("(.*/)?RelatedPerson/[A-Za-z0-9\\-.]{1,64}")) {
      role = Role.RELATIVE;
    } else if (fhirUser != null && fhirUser.matches("(.*/)?Patient/[A-Za-z0-9\\-.]{1,64}")) {
      role = Role.PATIENT;
    } else if (clientId != null) {
      role = clientRoles.get(clientId);
    }
    if (role == null) {
      return Optional.empty();
    }
    if (fhirUser != null && fhirUser.contains("/")) {
      // fhirUser may be absolute; the resource is the last two segments.
      String[] parts = fhirUser.split("/");
      fhirUser = parts[parts.length - 2] + "/" + parts[parts.length - 1];
    }
    return Optional.of(
        new Caller(
            role,
            jwt.getSubject(),
            clientId,
            jwt.getClaimAsString(PID),
            jwt.getClaimAsString(HPR_NUMBER),
            jwt.getClaimAsString(ORGNR_PARENT),
            jwt.getClaimAsString(ORGNR_CHILD),
            securityLevel(jwt),
            fhirUser,
            SmartScopes.parse(scopes(jwt)),
            jwt.getId()));
  }

  /** The id part of {@link #fhirUser()} ({@code x} of {@code Patient/x}). */
  public String fhirUserId() {
    return fhirUser == null ? null : fhirUser.substring(fhirUser.indexOf('/') + 1);
  }

  /** A person acting for themselves or as a clinician (not a system or a vendor). */
  public boolean isPerson() {
    return role != Role.SYSTEM && role != Role.VENDOR && role != Role.ADMIN;
  }

  private static int securityLevel(Jwt jwt) {
    Object value = jwt.getClaim(SECURITY_LEVEL);
    if (value == null) {
      return 0;
    }
    try {
      return Integer.parseInt(value.toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String firstOf(Jwt jwt, String... names) {
    for (String name : names) {
      String value = jwt.getClaimAsString(name);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  private static Collection<String> scopes(Jwt jwt) {
    Object scope = jwt.getClaim("scope");
    if (scope instanceof String text) {
      return List.of(text.trim().split("\\s+"));
    }
    if (scope instanceof Collection<?> list) {
      return list.stream().map(Object::toString).toList();
    }
    return List.of();
  }
}
