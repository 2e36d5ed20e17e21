package no.homemonitoring.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

/**
 * The development issuer: a key pair made when the server starts (held in memory only, never
 * written anywhere) and tokens signed with it, shaped like HelseID's. Exists only with {@code
 * homemonitoring.security.dev-issuer.enabled=true}.
 */
public final class DevIssuer {

  /**
   * An https URL (under the reserved .invalid domain): Spring reads {@code iss} as a URL, and one
   * with a scheme Java has no handler for costs a class-path scan on every request.
   */
  public static final String ISSUER = "https://dev-issuer.homemonitoring.invalid";

  /** The registered clients of the development issuer, one per role. */
  public static final Map<String, Role> CLIENTS =
      Map.of(
          "dev-home-care-ehr", Role.NURSE,
          "dev-hospital-ehr", Role.SPECIALIST,
          "dev-vendor", Role.VENDOR,
          "dev-admin-console", Role.ADMIN,
          "dev-integration", Role.SYSTEM);

  /** The client of citizens' app; its tokens name the Patient or RelatedPerson in fhirUser. */
  public static final String CITIZEN_CLIENT = "dev-citizen-app";

  private final RSAKey key;
  private final String audience;
  private final Duration lifetime;
  private final Clock clock;

  public DevIssuer(String audience, Duration lifetime, Clock clock) {
    this.audience = audience;
    this.lifetime = lifetime;
    this.clock = clock;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      this.key =
          new RSAKey.Builder((RSAPublicKey) pair.getPublic())
              .privateKey((RSAPrivateKey) pair.getPrivate())
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256)
              .keyID("dev-" + UUID.randomUUID())
              .build();
    } catch (NoSuchAlgorithmException | IllegalStateException e) {
      throw new IllegalStateException("Cannot make the development issuer's key", e);
    }
  }

  public RSAPublicKey publicKey() {
    try {
      return key.toRSAPublicKey();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key set, as an issuer publishes it. */
  public Map<String, Object> jwks() {
    return new JWKSet(key.toPublicJWK()).toJSONObject();
  }

  /**
   * A signed access token with the standard claims (issuer, audience, times, id) and the given
   * ones.
   */
  public String mint(String subject, Map<String, Object> claims) {
    Instant now = clock.instant();
    JWTClaimsSet.Builder builder =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(audience)
            .subject(subject)
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(lifetime)))
            .jwtID(UUID.randomUUID().toString());
    claims.forEach(builder::claim);
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .type(new JOSEObjectType("at+jwt"))
                .keyID(key.getKeyID())
                .build(),
            builder.build());
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  public Duration lifetime() {
    return lifetime;
  }
}
