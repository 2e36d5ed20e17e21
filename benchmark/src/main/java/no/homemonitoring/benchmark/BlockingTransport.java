package no.homemonitoring.benchmark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSession;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends the timed requests with Apache HttpClient's classic (blocking) client: the calling thread
 * writes the request to a pooled keep-alive connection and reads the answer itself. The JDK client
 * passes each exchange between the caller, its selector thread and its executor; on a 2-core
 * machine that the server keeps busy, every hand-over waits for a core, which the JDK client's
 * latencies include (measured in {@code benchmark/README.md}). A vendor's or EHR's HTTP client is
 * more often of this kind.
 *
 * <p>Requests are given as JDK {@link HttpRequest}s, so the rest of the benchmark builds them one
 * way whichever client sends them.
 */
final class BlockingTransport implements Transport, AutoCloseable {

  private final CloseableHttpClient client;

  BlockingTransport(int maxConnections) {
    PoolingHttpClientConnectionManager connections =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(maxConnections)
            .setMaxConnPerRoute(maxConnections)
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.ofSeconds(5))
                    .setSocketTimeout(Timeout.ofMinutes(5))
                    .build())
            .build();
    client =
        HttpClients.custom()
            .setConnectionManager(connections)
            .setDefaultRequestConfig(RequestConfig.custom().setRedirectsEnabled(false).build())
            .disableAutomaticRetries()
            .disableContentCompression()
            .disableCookieManagement()
            .build();
  }

  @Override
  public HttpResponse<String> send(HttpRequest request) throws IOException {
    HttpUriRequestBase outgoing = new HttpUriRequestBase(request.method(), request.uri());
    String contentType = null;
    for (Map.Entry<String, List<String>> header : request.headers().map().entrySet()) {
      for (String value : header.getValue()) {
        if (header.getKey().equalsIgnoreCase("Content-Type")) {
          contentType = value;
        } else {
          outgoing.addHeader(header.getKey(), value);
        }
      }
    }
    Optional<HttpRequest.BodyPublisher> publisher = request.bodyPublisher();
    if (publisher.isPresent() && publisher.get().contentLength() != 0) {
      outgoing.setEntity(
          new ByteArrayEntity(
              bytes(publisher.get()),
              contentType == null ? null : ContentType.parseLenient(contentType)));
    } else if (contentType != null) {
      outgoing.addHeader("Content-Type", contentType);
    }
    return client.execute(
        outgoing,
        response -> {
          Map<String, List<String>> headers = new LinkedHashMap<>();
          for (Header header : response.getHeaders()) {
            headers
                .computeIfAbsent(header.getName(), name -> new ArrayList<>())
                .add(header.getValue());
          }
          String body =
              response.getEntity() == null
                  ? ""
                  : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
          return new Answer(
              response.getCode(), body, request, HttpHeaders.of(headers, (name, value) -> true));
        });
  }

  /** The bytes a JDK body publisher gives (the benchmark's bodies are in memory). */
  static byte[] bytes(HttpRequest.BodyPublisher publisher) throws IOException {
    CompletableFuture<byte[]> done = new CompletableFuture<>();
    publisher.subscribe(
        new Flow.Subscriber<ByteBuffer>() {
          private final ByteArrayOutputStream out = new ByteArrayOutputStream();

          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(ByteBuffer item) {
            byte[] chunk = new byte[item.remaining()];
            item.get(chunk);
            out.write(chunk, 0, chunk.length);
          }

          @Override
          public void onError(Throwable throwable) {
            done.completeExceptionally(throwable);
          }

          @Override
          public void onComplete() {
            done.complete(out.toByteArray());
          }
        });
    try {
      return done.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted reading a request body", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("could not read a request body", e);
    }
  }

  @Override
  public void close() throws IOException {
    client.close();
  }

  /** The answer in the JDK's shape, which the response checks read. */
  private record Answer(int statusCode, String body, HttpRequest request, HttpHeaders headers)
      implements HttpResponse<String> {

    @Override
    public Optional<HttpResponse<String>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public URI uri() {
      return request.uri();
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
