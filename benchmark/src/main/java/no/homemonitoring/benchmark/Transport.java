package no.homemonitoring.benchmark;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * How the timed requests reach the server. The clock runs around {@link #send}, so whatever the
 * client does between its caller and the socket is part of every latency the benchmark reports.
 */
@FunctionalInterface
interface Transport {

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException;

  /** The JDK's client: each exchange passes between the caller, its selector and its executor. */
  static Transport jdk(HttpClient client) {
    return request -> client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Which client sends the timed requests; chosen on the command line. */
  enum Kind {
    /** {@link BlockingTransport}: the calling thread writes and reads its own connection. */
    BLOCKING("Apache HttpClient classic (blocking, one keep-alive connection per thread)"),
    /** {@link #jdk}. */
    JDK("java.net.http.HttpClient (HTTP/1.1)");

    /** How the report names it. */
    final String label;

    Kind(String label) {
      this.label = label;
    }
  }
}
