package no.homemonitoring.server.security;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Stores AuditEvents in batches, off the request thread: each batch is one transaction. When the
 * queue is full the request thread stores its own event (slower, never dropped); at shutdown the
 * queue is emptied before the database closes. Events of the last few hundred milliseconds before a
 * crash (kill -9, power loss) can be lost; see ARCHITECTURE.md.
 */
public class AuditWriter implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);
  private static final int BATCH = 500;

  private final IFhirSystemDao<Bundle, ?> systemDao;
  private final BlockingQueue<AuditEvent> queue;
  private volatile boolean running;
  private Thread thread;

  public AuditWriter(IFhirSystemDao<Bundle, ?> systemDao, int capacity) {
    this.systemDao = systemDao;
    this.queue = new LinkedBlockingQueue<>(capacity);
  }

  public void write(AuditEvent event) {
    if (!running || !queue.offer(event)) {
      store(List.of(event));
    }
  }

  @Override
  public void start() {
    running = true;
    thread = new Thread(this::run, "audit-writer");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    flush();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops after the web server (which stops at a higher phase) and before the database. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 2048;
  }

  /** Stores everything queued now (also used by tests to wait for the trail). */
  public void flush() {
    List<AuditEvent> batch = new ArrayList<>();
    while (queue.drainTo(batch, BATCH) > 0) {
      store(batch);
      batch = new ArrayList<>();
    }
  }

  private void run() {
    while (running) {
      try {
        AuditEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        List<AuditEvent> batch = new ArrayList<>();
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        store(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("Could not store audit events; retrying", e);
      }
    }
  }

  /**
   * One batch (entries independent, so one bad event cannot take the others with it); an event the
   * database refuses (a reference to a patient that does not exist, say, from a refused request for
   * a made-up id) is stored again with that reference kept as text only.
   */
  private void store(List<AuditEvent> events) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.BATCH);
    for (AuditEvent event : events) {
      bundle
          .addEntry()
          .setResource(event)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("AuditEvent");
    }
    Bundle response;
    try {
      response = systemDao.transaction(new SystemRequestDetails(), bundle);
    } catch (RuntimeException e) {
      log.warn("Audit batch refused as a whole; storing its events one by one", e);
      events.forEach(this::storeOne);
      return;
    }
    for (int i = 0; i < events.size() && i < response.getEntry().size(); i++) {
      String status = response.getEntry().get(i).getResponse().getStatus();
      if (status == null || !status.startsWith("2")) {
        storeOne(events.get(i));
      }
    }
  }

  private void storeOne(AuditEvent event) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 4; attempt++) {
      try {
        systemDao.transaction(new SystemRequestDetails(), single(event));
        return;
      } catch (ca.uhn.fhir.rest.server.exceptions.InvalidRequestException e) {
        // Keep who and what as text; the event itself must not be lost.
        for (AuditEvent.AuditEventEntityComponent entity : event.getEntity()) {
          if (entity.getWhat().hasReference()) {
            entity.getWhat().setDisplay(entity.getWhat().getReference()).setReference(null);
          }
        }
        for (AuditEvent.AuditEventAgentComponent agent : event.getAgent()) {
          if (agent.getWho().hasReference()) {
            agent.getWho().setDisplay(agent.getWho().getReference()).setReference(null);
          }
        }
        last = e;
      } catch (RuntimeException e) {
        last = e;
        try {
          Thread.sleep(100L << attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    // The log is the trail of last resort.
    log.error(
        "Could not store an audit event; it follows in full: {}",
        ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser().encodeResourceToString(event),
        last);
  }

  private static Bundle single(AuditEvent event) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    bundle
        .addEntry()
        .setResource(event)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("AuditEvent");
    return bundle;
  }
}
