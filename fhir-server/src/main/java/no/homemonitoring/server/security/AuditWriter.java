package no.homemonitoring.server.security;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Stores AuditEvents off the request thread. Accesses that differ only in time and query (the same
 * caller, token, patient, interaction and outcome) within one window are stored as one AuditEvent
 * whose {@code period} spans them, with the number of accesses ({@link #REPETITIONS}) and up to
 * {@value #MAX_QUERIES} of their queries: an EHR opening a chart sends a handful of requests, and
 * one event per request would cost the database more than the requests themselves. Every window is
 * one batch; at shutdown what is pending is stored before the database closes.
 *
 * <p>Every access is also appended to an {@link AuditJournal} before it joins the window, and a
 * window's journal segment is deleted only once its events are stored. A process that is killed or
 * crashes leaves its segments behind; the next start stores them before the server takes requests,
 * and so does the next window for a segment the database refused. The first access of an event is
 * journaled in full, each further one as the little it adds (its time, a new query). Each event
 * carries a journal id ({@link #JOURNAL_ID}); a replayed event whose id is already stored (killed
 * between the commit and the delete) is left out, so each event is stored once. Only replays look
 * this up: the usual window is a plain batch of creates.
 */
public class AuditWriter implements SmartLifecycle {

  /** Extension on an AuditEvent: how many accesses it stands for (when more than one). */
  public static final String REPETITIONS =
      "https://homemonitoring.no/fhir/StructureDefinition/audit-repetitions";

  /** Extension on an AuditEvent: the journal's id of it (of its first access). */
  public static final String JOURNAL_ID =
      "https://homemonitoring.no/fhir/StructureDefinition/audit-journal-id";

  /** On a journal line only: the access adds to the event with this journal id. */
  private static final String ADDS_TO =
      "https://homemonitoring.no/fhir/StructureDefinition/audit-journal-adds-to";

  static final int MAX_QUERIES = 20;
  private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);
  private static final int BATCH = 500;
  private static final String WITHHELD_PREFIX = "consent withheld ";

  private final IFhirSystemDao<Bundle, ?> systemDao;
  private final ca.uhn.fhir.jpa.api.dao.IFhirResourceDao<AuditEvent> auditDao;
  private final AuditJournal journal;
  private final List<AuditJournal.Segment> unstored = new ArrayList<>();
  private final int maxPending;
  private final java.time.Duration window;
  private final Object lock = new Object();
  private java.util.LinkedHashMap<String, Pending> pending = new java.util.LinkedHashMap<>();
  private volatile boolean running;
  private Thread thread;

  /** Accesses gathered into one event. */
  private static final class Pending {
    final AuditEvent event;
    int count = 1;
    int withheld;

    Pending(AuditEvent event) {
      this.event = event;
      this.withheld = takeWithheld(event);
      event.setPeriod(
          new org.hl7.fhir.r4.model.Period()
              .setStart(event.getRecorded())
              .setEnd(event.getRecorded()));
    }

    /** Adds an access; answers what it added, as the journal line of it. */
    AuditEvent add(AuditEvent more) {
      count++;
      AuditEvent added = new AuditEvent().setRecordedElement(more.getRecordedElement().copy());
      added.addExtension(ADDS_TO, new org.hl7.fhir.r4.model.StringType(journalId(event)));
      int moreWithheld = takeWithheld(more);
      if (moreWithheld > 0) {
        withheld += moreWithheld;
        added.addEntity().setDescription(WITHHELD_PREFIX + moreWithheld + " resource(s)");
      }
      event.setRecorded(more.getRecorded());
      event.getPeriod().setEnd(more.getRecorded());
      for (AuditEvent.AuditEventEntityComponent entity : more.getEntity()) {
        boolean isQuery = entity.hasQuery();
        boolean known =
            event.getEntity().stream()
                .anyMatch(
                    have ->
                        isQuery
                            ? have.hasQuery()
                                && have.getDescription().equals(entity.getDescription())
                            : have.getWhat().getReference() != null
                                && have.getWhat()
                                    .getReference()
                                    .equals(entity.getWhat().getReference()));
        long queries =
            event.getEntity().stream()
                .filter(AuditEvent.AuditEventEntityComponent::hasQuery)
                .count();
        if (!known && (!isQuery || queries < MAX_QUERIES)) {
          event.addEntity(entity);
          added.addEntity(entity.copy());
        }
      }
      return added;
    }

    AuditEvent finish() {
      if (count > 1) {
        event.addExtension(REPETITIONS, new org.hl7.fhir.r4.model.IntegerType(count));
      }
      if (withheld > 0) {
        event.addEntity().setDescription(WITHHELD_PREFIX + withheld + " resource(s)");
      }
      return event;
    }

    private static int takeWithheld(AuditEvent event) {
      int sum = 0;
      java.util.Iterator<AuditEvent.AuditEventEntityComponent> entities =
          event.getEntity().iterator();
      while (entities.hasNext()) {
        AuditEvent.AuditEventEntityComponent entity = entities.next();
        if (entity.hasDescription()
            && entity.getDescription().startsWith(WITHHELD_PREFIX)
            && !entity.hasWhat()) {
          sum += Integer.parseInt(entity.getDescription().replaceAll("\\D", ""));
          entities.remove();
        }
      }
      return sum;
    }
  }

  public AuditWriter(
      IFhirSystemDao<Bundle, ?> systemDao,
      ca.uhn.fhir.jpa.api.dao.IFhirResourceDao<AuditEvent> auditDao,
      java.nio.file.Path journal,
      int maxPending,
      java.time.Duration window) {
    this.systemDao = systemDao;
    this.auditDao = auditDao;
    this.journal = new AuditJournal(journal);
    this.maxPending = maxPending;
    this.window = window;
  }

  public void write(AuditEvent event) {
    String key = keyOf(event);
    boolean full;
    synchronized (lock) {
      Pending same = pending.get(key);
      if (same != null) {
        journal(same.add(event));
        return;
      }
      event.addExtension(
          JOURNAL_ID, new org.hl7.fhir.r4.model.StringType(java.util.UUID.randomUUID().toString()));
      journal(event);
      pending.put(key, new Pending(event));
      full = pending.size() >= maxPending;
    }
    if (full || !running) {
      flush();
    }
  }

  /** Under the lock, so that the journal's order is the window's. */
  private void journal(AuditEvent line) {
    try {
      journal.append(json().encodeResourceToString(line));
    } catch (java.io.UncheckedIOException e) {
      // Still stored with its window; only the protection against a crash is missing.
      log.error("Audit journal not writable; the pending events are in memory only", e);
    }
  }

  /** A parser per use: HAPI's parsers are not thread-safe (the context is). */
  private static ca.uhn.fhir.parser.IParser json() {
    return ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser();
  }

  private static String journalId(AuditEvent event) {
    org.hl7.fhir.r4.model.Extension id = event.getExtensionByUrl(JOURNAL_ID);
    return id == null ? null : id.getValue().primitiveValue();
  }

  /** The same caller, token, patient, interaction and outcome. */
  static String keyOf(AuditEvent event) {
    StringBuilder key = new StringBuilder();
    for (AuditEvent.AuditEventAgentComponent agent : event.getAgent()) {
      key.append(agent.getWho().getIdentifier().getValue())
          .append('|')
          .append(agent.getWho().getReference())
          .append('|')
          .append(agent.getWho().getDisplay())
          .append('|')
          .append(agent.getPolicy())
          .append('|');
    }
    for (AuditEvent.AuditEventEntityComponent entity : event.getEntity()) {
      if (entity.hasRole() && "1".equals(entity.getRole().getCode())) {
        key.append(entity.getWhat().getReference()).append('|');
      }
    }
    key.append(event.getAction())
        .append('|')
        .append(event.getSubtypeFirstRep().getCode())
        .append('|')
        .append(event.getOutcome())
        .append('|')
        .append(event.getOutcomeDesc());
    return key.toString();
  }

  @Override
  public void start() {
    // What an earlier process left behind, before this one takes requests.
    List<AuditJournal.Segment> orphans = journal.orphans();
    if (!orphans.isEmpty()) {
      log.info(
          "Storing the audit events of {} journal segment(s) an earlier run left in {}",
          orphans.size(),
          journal.directory());
      orphans.forEach(this::storeSegment);
    }
    running = true;
    thread = new Thread(this::run, "audit-writer");
    thread.setDaemon(true);
    // Every event is in the journal before its response is written; storing it can wait its turn
    // (a lower OS priority with -XX:ThreadPriorityPolicy=1, README).
    thread.setPriority(Thread.MIN_PRIORITY);
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

  /** Stores everything pending now (also used by tests to wait for the trail). */
  public void flush() {
    List<AuditJournal.Segment> retry;
    synchronized (unstored) {
      retry = new ArrayList<>(unstored);
      unstored.clear();
    }
    retry.forEach(this::storeSegment);
    java.util.LinkedHashMap<String, Pending> taken;
    AuditJournal.Segment segment;
    synchronized (lock) {
      taken = pending;
      pending = new java.util.LinkedHashMap<>();
      segment = journal.rotate();
    }
    boolean stored;
    try {
      stored = storeAll(taken);
    } catch (RuntimeException e) {
      log.error("Could not store audit events; they stay in the journal for the next window", e);
      stored = false;
    }
    done(segment, stored);
  }

  /**
   * The events of a segment, gathered as they were in their window, stored unless they already are.
   */
  private void storeSegment(AuditJournal.Segment segment) {
    try {
      storeGathered(segment);
    } catch (RuntimeException e) {
      // The database, say: the segment stays (locked) and the next window tries it again.
      log.warn("Audit events of {} not stored yet; retried with the next window", segment.path, e);
      synchronized (unstored) {
        unstored.add(segment);
      }
    }
  }

  private void storeGathered(AuditJournal.Segment segment) {
    java.util.LinkedHashMap<String, Pending> gathered = new java.util.LinkedHashMap<>();
    java.util.Map<String, Pending> byJournalId = new java.util.HashMap<>();
    boolean unreadable = false;
    for (String line : segment.lines()) {
      AuditEvent event;
      try {
        event = json().parseResource(AuditEvent.class, line);
      } catch (RuntimeException e) {
        // Whole lines are written at once; one that cannot be read was damaged on the disk.
        unreadable = true;
        continue;
      }
      org.hl7.fhir.r4.model.Extension addsTo = event.getExtensionByUrl(ADDS_TO);
      if (addsTo != null) {
        Pending to = byJournalId.get(addsTo.getValue().primitiveValue());
        if (to != null) {
          to.add(event);
        }
        continue;
      }
      Pending first = new Pending(event);
      gathered.put(keyOf(event), first);
      byJournalId.put(journalId(event), first);
    }
    gathered.values().removeIf(one -> alreadyStored(one.event));
    boolean stored = storeAll(gathered);
    if (stored && unreadable) {
      segment.keepAside();
    }
    done(segment, stored);
  }

  /** Whether an event with this journal id is stored (looked up by its time, then its id). */
  private boolean alreadyStored(AuditEvent event) {
    String id = journalId(event);
    ca.uhn.fhir.jpa.searchparam.SearchParameterMap byTime =
        ca.uhn.fhir.jpa.searchparam.SearchParameterMap.newSynchronous(
            AuditEvent.SP_DATE,
            new ca.uhn.fhir.rest.param.DateParam(
                ca.uhn.fhir.rest.param.ParamPrefixEnum.EQUAL,
                event.getRecordedElement().getValueAsString()));
    return auditDao.search(byTime, new SystemRequestDetails()).getAllResources().stream()
        .anyMatch(stored -> id != null && id.equals(journalId((AuditEvent) stored)));
  }

  private void done(AuditJournal.Segment segment, boolean stored) {
    if (segment == null) {
      return;
    }
    if (stored) {
      segment.delete();
    } else {
      log.warn("Audit events of {} not stored yet; retried with the next window", segment.path);
      synchronized (unstored) {
        unstored.add(segment);
      }
    }
  }

  /** Whether every event is dealt with: stored, or refused for good and logged in full. */
  private boolean storeAll(java.util.LinkedHashMap<String, Pending> taken) {
    boolean stored = true;
    List<AuditEvent> batch = new ArrayList<>();
    for (Pending one : taken.values()) {
      batch.add(one.finish());
      if (batch.size() == BATCH) {
        stored &= store(batch);
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      stored &= store(batch);
    }
    return stored;
  }

  private void run() {
    while (running) {
      try {
        Thread.sleep(window.toMillis());
        flush();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("Could not store audit events", e);
      }
    }
  }

  /**
   * One batch (entries independent, so one bad event cannot take the others with it); an event the
   * database refuses (a reference to a patient that does not exist, say, from a refused request for
   * a made-up id) is stored again with that reference kept as text only.
   */
  private boolean store(List<AuditEvent> events) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.BATCH);
    events.forEach(event -> add(bundle, event));
    Bundle response;
    try {
      response = systemDao.transaction(new SystemRequestDetails(), bundle);
    } catch (RuntimeException e) {
      log.warn("Audit batch refused as a whole; storing its events one by one", e);
      boolean stored = true;
      for (AuditEvent event : events) {
        stored &= storeOne(event);
      }
      return stored;
    }
    boolean stored = true;
    for (int i = 0; i < events.size(); i++) {
      String status =
          i < response.getEntry().size()
              ? response.getEntry().get(i).getResponse().getStatus()
              : null;
      if (status == null || !status.startsWith("2")) {
        stored &= storeOne(events.get(i));
      }
    }
    return stored;
  }

  private static void add(Bundle bundle, AuditEvent event) {
    bundle
        .addEntry()
        .setResource(event)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("AuditEvent");
  }

  /**
   * Whether it is dealt with (stored, or refused for good and logged in full); false if the
   * database could not be reached, so that its journal segment is kept for a retry.
   */
  private boolean storeOne(AuditEvent event) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 4; attempt++) {
      try {
        systemDao.transaction(new SystemRequestDetails(), single(event));
        return true;
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
    if (last instanceof ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException refused
        && refused.getStatusCode() < 500) {
      // Refused even with its references as text: trying again cannot help, and the log is the
      // trail of last resort.
      log.error(
          "Audit event refused by the database; it follows in full: {}",
          json().encodeResourceToString(event),
          last);
      return true;
    }
    log.error("Could not store an audit event; it stays in the journal for the next window", last);
    return false;
  }

  private static Bundle single(AuditEvent event) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    add(bundle, event);
    return bundle;
  }
}
