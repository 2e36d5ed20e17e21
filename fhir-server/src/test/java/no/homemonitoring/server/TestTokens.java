package no.homemonitoring.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The token issuer of the tests: an RSA key made when the tests start (never committed), its JWKS
 * served by WireMock, and tokens minted with it. The server is configured for this issuer exactly
 * as for HelseID (issuer, audience, JWKS URL, client roles).
 */
public final class TestTokens {

  public static final String ISSUER = "https://issuer.test.homemonitoring.example";
  public static final String AUDIENCE = "homemonitoring-fhir";
  public static final String PID = "helseid://claims/identity/pid";
  public static final String HPR = "helseid://claims/hpr/hpr_number";
  public static final String ORGNR_PARENT = "helseid://claims/client/claims/orgnr_parent";
  public static final String SECURITY_LEVEL = "helseid://claims/identity/security_level";

  /** Registered clients and their roles. */
  public static final Map<String, String> CLIENTS =
      Map.of(
          "test-integration", "system",
          "test-home-care-ehr", "nurse",
          "test-hospital-ehr", "specialist",
          "test-admin", "admin",
          "test-vendor", "vendor");

  static final RSAKey KEY;

  /** A key the issuer does not publish: tokens signed with it must be refused. */
  static final RSAKey STRANGER;

  private static WireMockServer jwks;

  static {
    try {
      KEY =
          new RSAKeyGenerator(2048)
              .keyUse(KeyUse.SIGNATURE)
              .keyID("test-" + UUID.randomUUID())
              .generate();
      STRANGER = new RSAKeyGenerator(2048).keyID(KEY.getKeyID()).generate();
    } catch (JOSEException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private TestTokens() {}

  /** The issuer's keys, served once per test JVM. */
  public static synchronized String jwksUrl() {
    if (jwks == null) {
      jwks = new WireMockServer(options().dynamicPort());
      jwks.start();
      jwks.stubFor(
          get(urlEqualTo("/jwks"))
              .willReturn(
                  aResponse()
                      .withHeader("Content-Type", "application/json")
                      .withBody(new JWKSet(KEY.toPublicJWK()).toString())));
      Runtime.getRuntime().addShutdownHook(new Thread(jwks::stop));
    }
    return jwks.baseUrl() + "/jwks";
  }

  /** The server settings for this issuer, as Spring properties. */
  public static void register(DynamicPropertyRegistry registry) {
    registry.add("homemonitoring.security.issuer", () -> ISSUER);
    registry.add("homemonitoring.security.jwk-set-uri", TestTokens::jwksUrl);
    registry.add("homemonitoring.security.audience", () -> AUDIENCE);
    CLIENTS.forEach(
        (client, role) -> registry.add("homemonitoring.security.clients." + client, () -> role));
  }

  /** The same settings as command-line arguments of a server started in its own JVM. */
  public static List<String> arguments() {
    List<String> arguments = new java.util.ArrayList<>();
    arguments.add("--homemonitoring.security.issuer=" + ISSUER);
    arguments.add("--homemonitoring.security.jwk-set-uri=" + jwksUrl());
    arguments.add("--homemonitoring.security.audience=" + AUDIENCE);
    CLIENTS.forEach(
        (client, role) ->
            arguments.add("--homemonitoring.security.clients." + client + "=" + role));
    return arguments;
  }

  /** A backend integration with every system scope: what the contract tests act as. */
  public static String system() {
    return token(claims("test-integration", "system/*.cruds"));
  }

  /** Puts the system token on every request of the client. */
  public static IGenericClient asSystem(IGenericClient client) {
    client.registerInterceptor(new BearerTokenAuthInterceptor(system()));
    return client;
  }

  public static Map<String, Object> claims(String clientId, String scope) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("client_id", clientId);
    claims.put("scope", scope);
    return claims;
  }

  /** A valid token (this issuer, this audience, an hour) with the given claims. */
  public static String token(Map<String, Object> claims) {
    return sign(KEY, "at+jwt", ISSUER, AUDIENCE, Instant.now(), Duration.ofHours(1), claims);
  }

  static String sign(
      RSAKey key,
      String type,
      String issuer,
      String audience,
      Instant issued,
      Duration lifetime,
      Map<String, Object> claims) {
    JWTClaimsSet.Builder builder =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject("sub-" + claims.getOrDefault("client_id", "x"))
            .issueTime(Date.from(issued))
            .notBeforeTime(Date.from(issued))
            .expirationTime(Date.from(issued.plus(lifetime)))
            .jwtID(UUID.randomUUID().toString());
    claims.forEach(builder::claim);
    JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID());
    if (type != null) {
      header.type(new JOSEObjectType(type));
    }
    SignedJWT jwt = new SignedJWT(header.build(), builder.build());
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }
}
