package no.homemonitoring.server.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

/**
 * Works the inbox: every stored payload is processed once it is acknowledged, retried with
 * exponential backoff when storage fails, and sent to the dead letters after the last attempt. A
 * poll picks up what a crash or another node left behind (the claim's lease has run out), and a
 * sweep tries quarantined measurements again.
 *
 * <p>Work starts when the application is ready, after the search parameters are in place, so that
 * no Observation is indexed without them.
 */
public class IngestWorker implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(IngestWorker.class);

  private final SubmissionStore store;
  private final IngestProcessor processor;
  private final IngestProperties properties;
  private final Clock clock;
  private final IngestAudit audit;

  private final AtomicInteger passes = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicBoolean pending =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final AtomicInteger threadNumber = new AtomicInteger();
  private volatile ExecutorService workers;
  private volatile ScheduledExecutorService timer;
  private volatile boolean running;

  public IngestWorker(
      SubmissionStore store,
      IngestProcessor processor,
      IngestProperties properties,
      Clock clock,
      IngestAudit audit) {
    this.store = store;
    this.processor = processor;
    this.properties = properties;
    this.clock = clock;
    this.audit = audit;
  }

  @EventListener(ApplicationReadyEvent.class)
  public void startWork() {
    if (!properties.processing()) {
      log.warn(
          "Ingest processing is off (homemonitoring.ingest.processing=false): pushes are stored"
              + " and acknowledged, and processed after a start with processing on");
      return;
    }
    workers =
        Executors.newFixedThreadPool(
            properties.workers(),
            task -> {
              Thread thread = new Thread(task, "ingest-" + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              // Background work: an acknowledgement waiting for the CPU is a vendor waiting. The
              // JVM passes this on to the OS only with -XX:ThreadPriorityPolicy=1 (README).
              thread.setPriority(Thread.MIN_PRIORITY);
              return thread;
            });
    timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "ingest-timer");
              thread.setDaemon(true);
              return thread;
            });
    long poll = properties.poll().toMillis();
    timer.scheduleWithFixedDelay(this::pollSafely, 0, poll, TimeUnit.MILLISECONDS);
    long sweep = properties.quarantineSweep().toMillis();
    timer.scheduleWithFixedDelay(this::sweepQuarantine, sweep, sweep, TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(
        () ->
            store.forgetSignaturesBefore(
                clock.instant().minus(properties.replayWindow().multipliedBy(2))),
        1,
        1,
        TimeUnit.MINUTES);
  }

  /** Processes a just-acknowledged submission without waiting for the next poll. */
  public void submit(String id) {
    wake();
  }

  /**
   * Makes sure a pass runs soon: at most {@code workers} passes run at a time, each claiming due
   * submissions in batches until none is left. A wake while every pass is busy is not lost: the
   * passes look again before they end.
   */
  private void wake() {
    pending.set(true);
    ExecutorService pool = workers;
    if (pool == null || !running) {
      return; // the poll takes it once work has started
    }
    while (true) {
      int active = passes.get();
      if (active >= properties.workers()) {
        return;
      }
      if (passes.compareAndSet(active, active + 1)) {
        break;
      }
    }
    try {
      pool.execute(this::pass);
    } catch (RejectedExecutionException e) {
      passes.decrementAndGet();
    }
  }

  private void pass() {
    try {
      while (running) {
        pending.set(false);
        List<Submission> claimed =
            store.claimDue(
                clock.instant(), properties.lease(), Math.max(1, properties.batchSize()));
        if (claimed.isEmpty()) {
          if (!pending.get()) {
            return;
          }
          continue;
        }
        processClaimedBatch(claimed);
      }
    } catch (RuntimeException e) {
      log.warn("Ingest pass failed: {}", e.toString());
    } finally {
      passes.decrementAndGet();
      if (pending.get() && running) {
        wake();
      }
    }
  }

  /**
   * Processes claimed submissions: those of the pure local formats together in one transaction, the
   * others (pulls, FHIR Bundles) one by one. If the batch fails, each of its submissions is
   * processed on its own, so one bad submission or a lost race costs only a second try.
   */
  void processClaimedBatch(List<Submission> claimed) {
    List<Submission> batch = claimed.stream().filter(processor::batchable).toList();
    claimed.stream().filter(s -> !processor.batchable(s)).forEach(this::processClaimed);
    if (batch.size() == 1) {
      processClaimed(batch.get(0));
      return;
    }
    if (batch.isEmpty()) {
      return;
    }
    Map<String, List<MeasurementOutcome>> outcomes;
    try {
      outcomes = processor.processBatch(batch, store::outcomes);
    } catch (RuntimeException e) {
      log.info(
          "A batch of {} submissions failed ({}); processing them one by one",
          batch.size(),
          e.toString());
      batch.forEach(this::processClaimed);
      return;
    }
    batch.forEach(submission -> audited(submission, outcomes.get(submission.id())));
    try {
      store.completeAll(outcomes);
    } catch (RuntimeException e) {
      // Stored, not recorded: the leases run out and a second pass finds them duplicates.
      log.warn("Cannot record the outcomes of {} submissions: {}", batch.size(), e.toString());
    }
  }

  /** Tries quarantined measurements again soon (a Device or Patient was written). */
  public void requestQuarantineSweep() {
    ScheduledExecutorService scheduler = timer;
    if (scheduler != null && running) {
      try {
        scheduler.schedule(this::sweepQuarantine, 1, TimeUnit.SECONDS);
      } catch (RejectedExecutionException e) {
        log.debug("Stopping; the next start sweeps the quarantine");
      }
    }
  }

  private void sweepQuarantine() {
    try {
      int queued = store.requeueQuarantined();
      if (queued > 0) {
        log.info("{} submission(s) with quarantined measurements queued again", queued);
        pollSafely();
      }
    } catch (RuntimeException e) {
      log.warn("Quarantine sweep failed: {}", e.toString());
    }
  }

  private void pollSafely() {
    try {
      if (!store.due(clock.instant(), 1).isEmpty()) {
        wake();
      }
    } catch (RuntimeException e) {
      log.warn("Ingest poll failed: {}", e.toString());
    }
  }

  /**
   * Processes a submission on the caller's thread (for senders that wait for the outcome). Empty
   * when it is not due, another worker has it, or processing failed: then it is retried as any
   * other, and its status tells the outcome later.
   */
  public Optional<List<MeasurementOutcome>> processNow(String id) {
    Instant now = clock.instant();
    Optional<Submission> claimed = store.claim(id, now, properties.lease());
    if (claimed.isEmpty()) {
      return Optional.empty(); // done already, not due yet, or another worker has it
    }
    return processClaimed(claimed.get());
  }

  /**
   * Processes a submission this node has claimed (or inserted as {@code processing} with a lease);
   * on failure it is left for a retry, as {@link #processNow} does.
   */
  public Optional<List<MeasurementOutcome>> processClaimed(Submission submission) {
    String id = submission.id();
    try {
      List<MeasurementOutcome> outcomes = processor.process(submission, store.outcomes(id));
      audited(submission, outcomes);
      store.complete(id, outcomes);
      return Optional.of(outcomes);
    } catch (RuntimeException e) {
      int attempts = submission.attempts();
      Optional<Instant> next =
          attempts >= properties.maxAttempts() || e instanceof PermanentIngestFailure
              ? Optional.empty()
              : Optional.of(clock.instant().plus(backoff(attempts)));
      String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
      if (next.isEmpty()) {
        log.error("Submission {} is dead after {} attempts: {}", id, attempts, reason);
      } else {
        log.warn(
            "Submission {} attempt {} failed, retried at {}: {}", id, attempts, next.get(), reason);
      }
      try {
        store.fail(id, reason, next);
      } catch (RuntimeException storeDown) {
        // The lease runs out and the poll takes it again.
        log.warn("Cannot record the failure of {}: {}", id, storeDown.toString());
      }
      return Optional.empty();
    }
  }

  private void audited(Submission submission, List<MeasurementOutcome> outcomes) {
    try {
      audit.stored(submission, outcomes);
    } catch (RuntimeException e) {
      // The Observations are stored and their Provenance names the vendor; the trail misses it.
      log.error("Could not audit the writes of submission {}", submission.id(), e);
    }
  }

  Duration backoff(int attempts) {
    Duration wait = properties.firstRetry().multipliedBy(1L << Math.min(attempts - 1, 20));
    return wait.compareTo(properties.maxRetry()) > 0 ? properties.maxRetry() : wait;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    ScheduledExecutorService scheduler = timer;
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    ExecutorService pool = workers;
    if (pool != null) {
      pool.shutdown();
      try {
        if (!pool.awaitTermination(15, TimeUnit.SECONDS)) {
          pool.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        pool.shutdownNow();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    // Stop before the web server and the database pool (both stop in later phases of shutdown).
    return Integer.MAX_VALUE - 10;
  }
}
