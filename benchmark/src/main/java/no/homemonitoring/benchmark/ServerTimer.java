package no.homemonitoring.benchmark;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Count and total time of a Micrometer timer as the server's actuator reports them, read before and
 * after a phase so the difference is what that phase cost inside the server.
 */
record ServerTimer(double count, double totalSeconds) {

  static final ServerTimer ABSENT = new ServerTimer(Double.NaN, Double.NaN);

  /** The server's profile validation of one resource on write. */
  static final String VALIDATION = "homemonitoring.validation";

  static ServerTimer read(HttpClient client, FhirEndpoint endpoint, String name)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        client.send(endpoint.actuator("metrics/" + name), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 404) {
      return ABSENT;
    }
    if (response.statusCode() != 200) {
      throw new IOException("reading timer " + name + " gave HTTP " + response.statusCode());
    }
    return parse(response.body());
  }

  /** The actuator's metric answer: {@code "measurements":[{"statistic":"COUNT","value":3.0},…]}. */
  static ServerTimer parse(String json) {
    return new ServerTimer(statistic(json, "COUNT"), statistic(json, "TOTAL_TIME"));
  }

  private static double statistic(String json, String statistic) {
    Matcher matcher =
        Pattern.compile(
                "\\{\\s*\"statistic\"\\s*:\\s*\""
                    + statistic
                    + "\"\\s*,\\s*\"value\"\\s*:\\s*([-0-9.eE+]+)")
            .matcher(json);
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
  }

  /** Milliseconds per recorded event between {@code before} and this reading; NaN if none. */
  double millisPerEventSince(ServerTimer before) {
    double events = count - before.count;
    return events > 0 ? (totalSeconds - before.totalSeconds) * 1000 / events : Double.NaN;
  }
}
