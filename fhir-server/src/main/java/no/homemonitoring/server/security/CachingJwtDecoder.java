package no.homemonitoring.server.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * Remembers tokens it has verified: the same token string carries the same signature and claims, so
 * a client that sends one token with many requests pays for parsing and the signature check once.
 * The token's times are checked again on every request, so an expired token is refused the moment
 * it expires.
 */
final class CachingJwtDecoder implements JwtDecoder {

  private final JwtDecoder decoder;
  private final OAuth2TokenValidator<Jwt> times = new JwtTimestampValidator();
  private final Cache<String, Jwt> verified;

  CachingJwtDecoder(JwtDecoder decoder, int maximumSize, Duration keepFor) {
    this.decoder = decoder;
    this.verified =
        Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(keepFor).build();
  }

  @Override
  public Jwt decode(String token) throws JwtException {
    Jwt known = verified.getIfPresent(token);
    if (known != null) {
      OAuth2TokenValidatorResult result = times.validate(known);
      if (result.hasErrors()) {
        verified.invalidate(token);
        throw new JwtValidationException("The access token has expired.", result.getErrors());
      }
      return known;
    }
    Jwt jwt = decoder.decode(token);
    if (jwt == null) {
      throw new BadJwtException("The access token could not be read.");
    }
    verified.put(token, jwt);
    return jwt;
  }
}
