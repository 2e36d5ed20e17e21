package no.homemonitoring.server.security;

import ca.uhn.fhir.context.FhirContext;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Every request needs a valid bearer token, except the CapabilityStatement, the SMART
 * configuration, health, and the vendors' ingest API (whose pushes are authenticated by their
 * signatures, see {@code VendorAuthenticator}). What an authenticated caller may then do with FHIR
 * resources is decided by HAPI's authorization, search-narrowing and consent interceptors ({@link
 * FhirAccessConfiguration}).
 */
@Configuration
@EnableConfigurationProperties(SecurityProperties.class)
public class SecurityConfiguration {

  @Bean
  public ClientRoles clientRoles(SecurityProperties properties) {
    Map<String, Role> roles = new HashMap<>(properties.clients());
    if (properties.devIssuer().enabled()) {
      DevIssuer.CLIENTS.forEach(roles::putIfAbsent);
    }
    return new ClientRoles(Map.copyOf(roles));
  }

  @Bean
  public SecurityFilterChain securityFilterChain(
      HttpSecurity http,
      JwtDecoder decoder,
      ClientRoles clientRoles,
      SecurityProperties properties,
      FhirContext fhirContext)
      throws Exception {
    OperationOutcomeErrors errors = new OperationOutcomeErrors(fhirContext);
    PathPatternRequestMatcher.Builder path = PathPatternRequestMatcher.withDefaults();
    RequestMatcher open =
        new OrRequestMatcher(
            path.matcher(HttpMethod.GET, "/fhir/metadata"),
            path.matcher(HttpMethod.GET, "/fhir/.well-known/smart-configuration"),
            path.matcher(HttpMethod.GET, "/.well-known/smart-configuration"),
            path.matcher(HttpMethod.GET, "/actuator/health"),
            path.matcher(HttpMethod.GET, "/actuator/health/**"),
            // Spring's error page, for errors of requests already let through.
            path.matcher("/error"),
            // Signed by the vendor; VendorAuthenticator refuses what is not.
            path.matcher("/ingest/**"));
    RequestMatcher devIssuer = path.matcher("/dev-issuer/**");
    RequestMatcher actuator = path.matcher("/actuator/**");
    http.csrf(AbstractHttpConfigurer::disable)
        .cors(AbstractHttpConfigurer::disable)
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        .anonymous(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(
            requests -> {
              requests.requestMatchers(open).permitAll();
              if (properties.devIssuer().enabled()) {
                requests.requestMatchers(devIssuer).permitAll();
              }
              requests
                  .requestMatchers(actuator)
                  .hasAnyAuthority(authority(Role.ADMIN), authority(Role.SYSTEM))
                  .anyRequest()
                  .authenticated();
            })
        .oauth2ResourceServer(
            oauth ->
                oauth
                    .bearerTokenResolver(HeaderChecks.bearerTokens())
                    .jwt(
                        jwt ->
                            jwt.decoder(decoder)
                                .jwtAuthenticationConverter(
                                    token -> authenticate(token, clientRoles)))
                    .authenticationEntryPoint(errors)
                    .accessDeniedHandler(errors))
        .exceptionHandling(e -> e.authenticationEntryPoint(errors).accessDeniedHandler(errors));
    return http.build();
  }

  /** Spring's strict firewall, checking header values without regular expressions. */
  @Bean
  public HttpFirewall httpFirewall() {
    return HeaderChecks.firewall();
  }

  /**
   * Tokens of the configured issuer (keys from its JWKS), or of the development issuer; either way
   * exact issuer and audience, a signature by one of its keys (never {@code alg: none}), {@code
   * typ} at+jwt, and a time within {@code nbf}..{@code exp}.
   */
  @Bean
  public JwtDecoder jwtDecoder(SecurityProperties properties, java.util.Optional<DevIssuer> dev) {
    Consumer<ConfigurableJWTProcessor<SecurityContext>> accessTokensOnly =
        processor ->
            processor.setJWSTypeVerifier(
                new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
    NimbusJwtDecoder decoder;
    String issuer;
    if (properties.issuer() != null && !properties.issuer().isBlank()) {
      if (properties.jwkSetUri() == null || properties.jwkSetUri().isBlank()) {
        throw new SecurityNotConfiguredException(
            "homemonitoring.security.issuer is set but homemonitoring.security.jwk-set-uri is not:"
                + " the server needs the issuer's keys to check tokens.");
      }
      issuer = properties.issuer();
      decoder =
          NimbusJwtDecoder.withJwkSetUri(properties.jwkSetUri())
              .jwsAlgorithms(
                  algorithms ->
                      algorithms.addAll(
                          List.of(
                              org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.RS256,
                              org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.PS256,
                              org.springframework.security.oauth2.jose.jws.SignatureAlgorithm
                                  .ES256)))
              .jwtProcessorCustomizer(accessTokensOnly)
              .build();
    } else if (dev.isPresent()) {
      issuer = DevIssuer.ISSUER;
      decoder =
          NimbusJwtDecoder.withPublicKey(dev.get().publicKey())
              .signatureAlgorithm(
                  org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.RS256)
              .jwtProcessorCustomizer(accessTokensOnly)
              .build();
    } else {
      throw new SecurityNotConfiguredException(
          "No token issuer is configured. Set homemonitoring.security.issuer and"
              + " homemonitoring.security.jwk-set-uri (e.g. HelseID), or start with"
              + " --homemonitoring.security.dev-issuer.enabled=true to try the server with the"
              + " built-in development issuer.");
    }
    decoder.setJwtValidator(
        new DelegatingOAuth2TokenValidator<>(
            JwtValidators.createDefaultWithIssuer(issuer), audience(properties.audience())));
    return new CachingJwtDecoder(decoder, 10_000, java.time.Duration.ofMinutes(10));
  }

  static OAuth2TokenValidator<Jwt> audience(String audience) {
    return jwt ->
        jwt.getAudience() != null && jwt.getAudience().contains(audience)
            ? OAuth2TokenValidatorResult.success()
            : OAuth2TokenValidatorResult.failure(
                new OAuth2Error(
                    "invalid_token", "The token is not meant for this server (aud).", null));
  }

  static String authority(Role role) {
    return "ROLE_" + role.name();
  }

  private static JwtAuthenticationToken authenticate(Jwt jwt, ClientRoles clientRoles) {
    java.util.Optional<Caller> caller = Caller.of(jwt, clientRoles.roles());
    JwtAuthenticationToken token =
        new JwtAuthenticationToken(
            jwt,
            caller
                .map(c -> List.of(new SimpleGrantedAuthority(authority(c.role()))))
                .orElse(List.of()),
            jwt.getSubject());
    caller.ifPresent(token::setDetails);
    return token;
  }

  @Bean
  public org.springframework.boot.web.servlet.FilterRegistrationBean<SmartConfigurationFilter>
      smartConfigurationFilter(SecurityProperties properties) {
    org.springframework.boot.web.servlet.FilterRegistrationBean<SmartConfigurationFilter>
        registration =
            new org.springframework.boot.web.servlet.FilterRegistrationBean<>(
                new SmartConfigurationFilter(properties));
    registration.addUrlPatterns(
        "/.well-known/smart-configuration", "/fhir/.well-known/smart-configuration");
    return registration;
  }

  /** The role of each registered client. */
  public record ClientRoles(Map<String, Role> roles) {}
}
