package no.homemonitoring.server.security;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * A missing or refused token is answered like every other FHIR error: an OperationOutcome, with the
 * {@code WWW-Authenticate} challenge of RFC 6750.
 */
final class OperationOutcomeErrors implements AuthenticationEntryPoint, AccessDeniedHandler {

  private final FhirContext fhirContext;

  OperationOutcomeErrors(FhirContext fhirContext) {
    this.fhirContext = fhirContext;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
      throws IOException {
    String challenge = "Bearer realm=\"homemonitoring\"";
    String diagnostics = "This request needs a valid bearer access token.";
    if (exception instanceof OAuth2AuthenticationException oauth) {
      OAuth2Error error = oauth.getError();
      String description =
          error.getDescription() == null ? "The access token was refused." : error.getDescription();
      challenge +=
          ", error=\""
              + error.getErrorCode()
              + "\", error_description=\""
              + description.replace('"', '\'')
              + "\"";
      diagnostics = "The access token was refused: " + description;
    }
    response.setHeader("WWW-Authenticate", challenge);
    write(
        response,
        HttpServletResponse.SC_UNAUTHORIZED,
        OperationOutcome.IssueType.LOGIN,
        diagnostics);
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException exception)
      throws IOException {
    write(
        response,
        HttpServletResponse.SC_FORBIDDEN,
        OperationOutcome.IssueType.FORBIDDEN,
        "The access token does not allow this request.");
  }

  private void write(
      HttpServletResponse response, int status, OperationOutcome.IssueType type, String diagnostics)
      throws IOException {
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.ERROR)
        .setCode(type)
        .setDiagnostics(diagnostics);
    response.setStatus(status);
    response.setContentType("application/fhir+json;charset=utf-8");
    response
        .getOutputStream()
        .write(
            fhirContext
                .newJsonParser()
                .encodeResourceToString(outcome)
                .getBytes(StandardCharsets.UTF_8));
  }
}
