package no.homemonitoring.benchmark;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Optional;

/** Decides whether a response counts as a success; a failure carries a reason for the log. */
@FunctionalInterface
interface ResponseCheck {

  Optional<String> problem(HttpResponse<String> response);

  static ResponseCheck status(int expected) {
    return response ->
        response.statusCode() == expected
            ? Optional.empty()
            : Optional.of(
                "HTTP "
                    + response.statusCode()
                    + " (expected "
                    + expected
                    + ") for "
                    + describe(response)
                    + ": "
                    + excerpt(response.body()));
  }

  /**
   * A search the nurse sees as empty is a failure even when the server answered 200. Checked with a
   * streaming JSON reader, not a FHIR parser: the client shares the machine with the server, and
   * parsing 50 Observations per answer would cost the client more CPU than a cached answer costs
   * the server.
   */
  static ResponseCheck bundleWithEntries() {
    return response -> {
      try {
        return BundleShape.of(response.body()).isBundleWithEntries()
            ? Optional.empty()
            : Optional.of("no Bundle with entries for " + describe(response));
      } catch (IOException e) {
        return Optional.of("no JSON for " + describe(response) + ": " + e.getMessage());
      }
    };
  }

  /** What the top level of a JSON answer says: its resourceType and whether entry is non-empty. */
  record BundleShape(String resourceType, boolean hasEntries) {

    private static final JsonFactory JSON = new JsonFactory();

    boolean isBundleWithEntries() {
      return "Bundle".equals(resourceType) && hasEntries;
    }

    static BundleShape of(String body) throws IOException {
      String resourceType = null;
      boolean hasEntries = false;
      try (JsonParser parser = JSON.createParser(body)) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
          throw new IOException("not a JSON object");
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          JsonToken value = parser.nextToken();
          if ("resourceType".equals(name)) {
            resourceType = parser.getText();
          } else if ("entry".equals(name) && value == JsonToken.START_ARRAY) {
            JsonToken first = parser.nextToken();
            hasEntries = first != JsonToken.END_ARRAY;
            if (hasEntries) {
              parser.skipChildren();
              while (parser.nextToken() != JsonToken.END_ARRAY) {
                parser.skipChildren();
              }
            }
          } else {
            parser.skipChildren();
          }
        }
      }
      return new BundleShape(resourceType, hasEntries);
    }
  }

  default ResponseCheck and(ResponseCheck next) {
    return response -> problem(response).or(() -> next.problem(response));
  }

  private static String describe(HttpResponse<String> response) {
    return response.request().method() + " " + response.uri();
  }

  /** Enough of an OperationOutcome to see the diagnostics without flooding the terminal. */
  private static String excerpt(String body) {
    int limit = 400;
    return body.length() <= limit ? body : body.substring(0, limit) + "...";
  }
}
