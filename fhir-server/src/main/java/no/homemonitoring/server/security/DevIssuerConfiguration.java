package no.homemonitoring.server.security;

import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The development issuer, only when {@code homemonitoring.security.dev-issuer.enabled=true}. */
@Configuration
@ConditionalOnProperty(name = "homemonitoring.security.dev-issuer.enabled", havingValue = "true")
public class DevIssuerConfiguration {

  @Bean
  public DevIssuer devIssuer(SecurityProperties properties) {
    return new DevIssuer(
        properties.audience(), properties.devIssuer().tokenLifetime(), Clock.systemUTC());
  }
}
