package no.homemonitoring.server.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The SMART configuration ({@code /.well-known/smart-configuration}, also under the FHIR base):
 * which issuer's tokens the server takes, where its keys are, which scopes and roles exist. Open to
 * everyone, like the CapabilityStatement.
 */
public class SmartConfigurationFilter extends OncePerRequestFilter {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final byte[] body;

  public SmartConfigurationFilter(SecurityProperties properties) {
    Map<String, Object> configuration = new LinkedHashMap<>();
    boolean dev =
        (properties.issuer() == null || properties.issuer().isBlank())
            && properties.devIssuer().enabled();
    configuration.put("issuer", dev ? DevIssuer.ISSUER : properties.issuer());
    configuration.put("jwks_uri", dev ? "/dev-issuer/jwks" : properties.jwkSetUri());
    if (dev) {
      configuration.put("token_endpoint", "/dev-issuer/token");
    }
    configuration.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt"));
    configuration.put("grant_types_supported", List.of("authorization_code", "client_credentials"));
    configuration.put(
        "scopes_supported",
        List.of(
            "openid", "fhirUser", "user/*.cruds", "user/*.rs", "patient/*.rs", "system/*.cruds"));
    configuration.put("code_challenge_methods_supported", List.of("S256"));
    configuration.put(
        "capabilities",
        List.of(
            "client-confidential-asymmetric",
            "permission-v2",
            "permission-patient",
            "permission-user",
            "context-ehr-patient"));
    configuration.put("audience", properties.audience());
    try {
      body = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(configuration);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return !"GET".equals(request.getMethod())
        || !(path.equals("/.well-known/smart-configuration")
            || path.equals("/fhir/.well-known/smart-configuration"));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    response.setStatus(200);
    response.setContentType("application/json");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
