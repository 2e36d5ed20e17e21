package no.homemonitoring.server.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The server speaks FHIR JSON and XML, not FHIR's RDF (Turtle) format: the library HAPI needs for
 * it is left out of the build. HAPI would still pick Turtle when asked and fail without an answer,
 * so this filter answers first:
 *
 * <ul>
 *   <li>{@code _format} naming Turtle: 406 with an OperationOutcome;
 *   <li>a Turtle body ({@code Content-Type}): 415 with an OperationOutcome;
 *   <li>Turtle among the {@code Accept} media types: those are taken out, so the request gets the
 *       server's other formats (JSON unless it asks for XML).
 * </ul>
 */
public class RdfFormatFilter extends OncePerRequestFilter {

  static final Set<String> TURTLE =
      Set.of("ttl", "rdf", "text/turtle", "application/x-turtle", "application/fhir+turtle");

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String[] formats = request.getParameterValues("_format");
    if (formats != null && Stream.of(formats).anyMatch(RdfFormatFilter::isTurtle)) {
      refuse(response, HttpServletResponse.SC_NOT_ACCEPTABLE, "_format");
      return;
    }
    if (isTurtle(request.getContentType())) {
      refuse(response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "Content-Type");
      return;
    }
    String accept = request.getHeader("Accept");
    if (accept != null && Stream.of(accept.split(",")).anyMatch(RdfFormatFilter::isTurtle)) {
      String withoutTurtle =
          Stream.of(accept.split(","))
              .filter(type -> !isTurtle(type))
              .collect(Collectors.joining(","));
      chain.doFilter(new AcceptOverride(request, withoutTurtle), response);
      return;
    }
    chain.doFilter(request, response);
  }

  static boolean isTurtle(String mediaType) {
    if (mediaType == null) {
      return false;
    }
    String bare = mediaType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return TURTLE.contains(bare);
  }

  private static void refuse(HttpServletResponse response, int status, String where)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/fhir+json");
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response
        .getWriter()
        .write(
            """
            {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-supported",\
            "diagnostics":"%s names FHIR's RDF (Turtle) format, which this server does not\
             offer; use JSON (application/fhir+json) or XML (application/fhir+xml)."}]}"""
                .formatted(where));
  }

  /** The request with another Accept header; an empty one is left out. */
  private static final class AcceptOverride extends HttpServletRequestWrapper {

    private final String accept;

    AcceptOverride(HttpServletRequest request, String accept) {
      super(request);
      this.accept = accept.isBlank() ? null : accept;
    }

    @Override
    public String getHeader(String name) {
      return "Accept".equalsIgnoreCase(name) ? accept : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      if (!"Accept".equalsIgnoreCase(name)) {
        return super.getHeaders(name);
      }
      return accept == null
          ? Collections.emptyEnumeration()
          : Collections.enumeration(List.of(accept));
    }
  }
}
