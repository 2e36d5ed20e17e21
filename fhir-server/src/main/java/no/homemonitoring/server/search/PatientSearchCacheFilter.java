package no.homemonitoring.server.search;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Answers a repeated search of one patient's Observations from {@link PatientSearchCache}.
 *
 * <p>Only plain {@code GET /fhir/Observation?patient=...} (or {@code subject=Patient/...}) searches
 * are cached: one patient, no {@code _include}, {@code _revinclude}, {@code _has}, chains or
 * modifiers on the patient, so that the result depends on nothing but that patient's Observations.
 * The key holds the whole query, the {@code Accept} header and a hash of the {@code Authorization}
 * header, so two callers with different credentials never share a response.
 */
public class PatientSearchCacheFilter extends OncePerRequestFilter {

  public static final String CACHE_HEADER = "X-Search-Cache";
  private static final Pattern PATIENT = Pattern.compile("(?:Patient/)?([A-Za-z0-9\\-.]{1,64})");

  private final PatientSearchCache cache;
  private final String searchPath;

  /** What the caller's access means for the cache. */
  public interface Access {
    /** Whether responses to this caller may be stored and served from the store. */
    boolean cacheable();

    /** A stored response was served: the access is recorded as if the server had searched. */
    void served(HttpServletRequest request, String patientId);
  }

  private final Access access;

  public PatientSearchCacheFilter(PatientSearchCache cache, String fhirPath, Access access) {
    this.cache = cache;
    this.access = access;
    this.searchPath = fhirPath + "/Observation";
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"GET".equals(request.getMethod())
        || !searchPath.equals(request.getRequestURI().substring(request.getContextPath().length()));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String patientId = patientOf(request.getParameterMap());
    if (patientId == null || !access.cacheable()) {
      chain.doFilter(request, response);
      return;
    }
    String requestKey = requestKey(request);
    PatientSearchCache.Entry hit = cache.get(PatientSearchCache.patientKey(patientId, requestKey));
    if (hit != null) {
      response.setStatus(HttpServletResponse.SC_OK);
      response.setContentType(hit.contentType());
      if (hit.contentEncoding() != null) {
        response.setHeader("Content-Encoding", hit.contentEncoding());
      }
      response.setHeader(CACHE_HEADER, "hit");
      access.served(request, patientId);
      response.setContentLength(hit.body().length);
      response.getOutputStream().write(hit.body());
      return;
    }
    long stamp = cache.stamp(patientId);
    ContentCachingResponseWrapper wrapper = new ContentCachingResponseWrapper(response);
    wrapper.setHeader(CACHE_HEADER, "miss");
    chain.doFilter(request, wrapper);
    if (wrapper.getStatus() == HttpServletResponse.SC_OK && wrapper.getContentType() != null) {
      cache.put(
          patientId,
          requestKey,
          stamp,
          new PatientSearchCache.Entry(
              wrapper.getContentType(),
              wrapper.getHeader("Content-Encoding"),
              wrapper.getContentAsByteArray()));
    }
    wrapper.copyBodyToResponse();
  }

  /** The one patient a search is confined to, or null if it is not a cacheable search. */
  static String patientOf(Map<String, String[]> parameters) {
    String patient = null;
    for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
      String name = parameter.getKey();
      if (name.startsWith("_include")
          || name.startsWith("_revinclude")
          || name.startsWith("_has")
          || name.startsWith("_contained")
          || name.contains(".")
          || name.startsWith("patient:")
          || name.startsWith("subject:")) {
        return null;
      }
      if (name.equals("patient") || name.equals("subject")) {
        if (patient != null || parameter.getValue().length != 1) {
          return null;
        }
        String value = parameter.getValue()[0];
        if (name.equals("subject") && !value.startsWith("Patient/")) {
          return null;
        }
        Matcher matcher = PATIENT.matcher(value);
        if (!matcher.matches()) {
          return null;
        }
        patient = matcher.group(1);
      }
    }
    return patient;
  }

  private static String requestKey(HttpServletRequest request) {
    return request.getQueryString()
        + '\n'
        + request.getHeader("Accept")
        + '\n'
        // HAPI compresses the body when the client accepts gzip: the stored bytes are only right
        // for a client that accepts the same.
        + request.getHeader("Accept-Encoding")
        + '\n'
        + sha256(request.getHeader("Authorization"));
  }

  private static String sha256(String value) {
    if (value == null) {
      return "";
    }
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
