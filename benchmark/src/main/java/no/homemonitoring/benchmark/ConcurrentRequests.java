package no.homemonitoring.benchmark;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Sends a fixed number of requests from a fixed pool of workers, each blocking on its own request:
 * the closed-loop behaviour of N nurses or N apps, so a slow server also slows the offered load.
 */
final class ConcurrentRequests {

  private final Transport transport;

  ConcurrentRequests(Transport transport) {
    this.transport = transport;
  }

  /**
   * Request {@code i} is built by {@code requests} before its clock starts, so building a body is
   * not part of its latency. Failures are counted, and the first one of the phase is printed.
   */
  PhaseResult run(
      String phase,
      int concurrency,
      int count,
      IntFunction<HttpRequest> requests,
      ResponseCheck check)
      throws InterruptedException {
    LatencyRecorder latencies = new LatencyRecorder(count);
    AtomicInteger failures = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    Runnable worker =
        () -> {
          for (int i = next.getAndIncrement();
              i < count && !Thread.currentThread().isInterrupted();
              i = next.getAndIncrement()) {
            Optional<String> problem = send(requests.apply(i), latencies, check);
            if (problem.isPresent() && failures.getAndIncrement() == 0) {
              System.err.printf("  [%s] first failure: %s%n", phase, problem.get());
            }
          }
        };

    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long started = System.nanoTime();
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        workers.add(pool.submit(worker));
      }
      for (Future<?> running : workers) {
        running.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(phase + ": worker crashed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    if (failures.get() > 0) {
      System.err.printf("  [%s] %d of %d requests failed%n", phase, failures.get(), count);
    }
    return new PhaseResult(
        count,
        failures.get(),
        elapsed,
        latencies.percentileMillis(50),
        latencies.percentileMillis(95),
        latencies.percentileMillis(99));
  }

  private Optional<String> send(
      HttpRequest request, LatencyRecorder latencies, ResponseCheck check) {
    long started = System.nanoTime();
    try {
      HttpResponse<String> response = transport.send(request);
      latencies.record(System.nanoTime() - started);
      return check.problem(response);
    } catch (IOException e) {
      return Optional.of(request.method() + " " + request.uri() + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(request.method() + " " + request.uri() + ": interrupted");
    }
  }
}
