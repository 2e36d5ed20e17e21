package no.homemonitoring.benchmark;

import ca.uhn.fhir.parser.DataFormatException;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;

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

  /** A search the nurse sees as empty is a failure even when the server answered 200. */
  static ResponseCheck bundleWithEntries() {
    return response -> {
      try {
        Bundle bundle = FhirJson.parse(Bundle.class, response.body());
        return bundle.hasEntry()
            ? Optional.empty()
            : Optional.of("empty Bundle for " + describe(response));
      } catch (DataFormatException e) {
        return Optional.of("no FHIR Bundle for " + describe(response) + ": " + e.getMessage());
      }
    };
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
