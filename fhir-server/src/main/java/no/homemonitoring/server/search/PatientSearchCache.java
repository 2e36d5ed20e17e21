package no.homemonitoring.server.search;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finished responses of searches confined to one patient's Observations, kept until that patient's
 * Observations change.
 *
 * <p>Each patient has a generation number that every write touching one of the patient's
 * Observations increases (before and after its commit). A response is stored only if the generation
 * did not move while it was being produced, so a search that raced with a write is never kept.
 * Entries also expire after a fixed time, which bounds staleness from changes that are not resource
 * writes (a search parameter being reindexed). The cache is local to this process: run several
 * nodes only with it switched off.
 */
public class PatientSearchCache {

  /** A stored response. */
  /**
   * A stored answer: its body exactly as sent (compressed when the response was), with the headers
   * needed to read it.
   */
  public record Entry(String contentType, String contentEncoding, byte[] body) {}

  private final Cache<String, Entry> responses;
  private final Map<String, AtomicLong> generations = new ConcurrentHashMap<>();
  private final AtomicLong epoch = new AtomicLong();

  public PatientSearchCache(long maxBytes, Duration timeToLive) {
    this.responses =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((String key, Entry entry) -> entry.body().length + key.length() * 2)
            .expireAfterWrite(timeToLive)
            .build();
  }

  /** The stamp to pass to {@link #put} for a response about to be produced for the patient. */
  public long stamp(String patientId) {
    return epoch.get() * 1_000_003L + generation(patientId).get();
  }

  public Entry get(String key) {
    return responses.getIfPresent(key);
  }

  /** Stores a response unless the patient's data (or everything) changed since {@code stamp}. */
  public void put(String patientId, String key, long stamp, Entry entry) {
    if (stamp(patientId) == stamp) {
      responses.put(patientKey(patientId, key), entry);
      if (stamp(patientId) != stamp) {
        responses.invalidate(patientKey(patientId, key));
      }
    }
  }

  /** The cache key of a request for one patient. */
  public static String patientKey(String patientId, String requestKey) {
    return patientId + '\n' + requestKey;
  }

  /** A patient's Observations changed (or are about to). */
  public void patientChanged(String patientId) {
    generation(patientId).incrementAndGet();
    String prefix = patientId + '\n';
    responses.asMap().keySet().removeIf(key -> key.startsWith(prefix));
  }

  /** Something that may change any search result changed. */
  public void everythingChanged() {
    epoch.incrementAndGet();
    responses.invalidateAll();
  }

  private AtomicLong generation(String patientId) {
    return generations.computeIfAbsent(patientId, id -> new AtomicLong());
  }

  /** Number of stored responses (for tests and metrics). */
  public long size() {
    responses.cleanUp();
    return responses.estimatedSize();
  }
}
