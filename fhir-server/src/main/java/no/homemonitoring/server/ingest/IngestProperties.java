package no.homemonitoring.server.ingest;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the device bridge's ingest API, under {@code homemonitoring.ingest} (documented in
 * {@code application.yaml}).
 *
 * @param replayWindow how far a signed request's timestamp may be from the server's clock; a
 *     signature is accepted once within it
 * @param workers threads that turn stored payloads into Observations
 * @param batchSize submissions one worker pass claims and stores in one transaction
 * @param maxAttempts attempts before a payload goes to the dead letters
 * @param firstRetry wait before the first retry; each further retry waits twice as long
 * @param maxRetry the longest wait between attempts
 * @param lease how long a worker owns a payload it is processing; after a crash another worker (or
 *     the restarted server) takes it once the lease has run out
 * @param poll how often the store is asked for due payloads (retries, crash recovery)
 * @param quarantineSweep how often quarantined measurements are tried again (also after a Device or
 *     Patient is written)
 * @param processing false holds acknowledged payloads in the inbox unprocessed (maintenance of the
 *     FHIR store, say); a start with true processes them
 * @param deliverTo adapter mode: the base URL of the FHIR R4 server the Observations go to instead
 *     of this one (empty: this server)
 * @param deliveryTimeout connect and read timeout of a request to that server
 * @param inboxUrl JDBC URL of a database of the inbox's own (an H2 file beside HAPI's by default),
 *     so that acknowledgements commit without waiting for the FHIR store's commits; empty: the
 *     inbox tables live in the main database (the postgres profile)
 * @param vendors the vendors allowed to push, by vendor id
 */
@ConfigurationProperties("homemonitoring.ingest")
public record IngestProperties(
    @DefaultValue("5m") Duration replayWindow,
    @DefaultValue("1") int workers,
    @DefaultValue("32") int batchSize,
    @DefaultValue("8") int maxAttempts,
    @DefaultValue("1s") Duration firstRetry,
    @DefaultValue("5m") Duration maxRetry,
    @DefaultValue("2m") Duration lease,
    @DefaultValue("2s") Duration poll,
    @DefaultValue("30s") Duration quarantineSweep,
    @DefaultValue("true") boolean processing,
    @DefaultValue("") String deliverTo,
    @DefaultValue("10s") Duration deliveryTimeout,
    @DefaultValue("") String inboxUrl,
    Map<String, Vendor> vendors) {

  public IngestProperties {
    vendors = vendors == null ? Map.of() : Map.copyOf(vendors);
  }

  /**
   * One vendor's credentials: exactly one of an HMAC-SHA256 shared secret or an Ed25519 public key.
   *
   * @param name the vendor's name (shown in provenance)
   * @param hmacSecret the shared secret (give it through the environment, never in a file)
   * @param ed25519PublicKey the vendor's Ed25519 public key in PEM ({@code BEGIN PUBLIC KEY})
   */
  public record Vendor(String name, String hmacSecret, String ed25519PublicKey) {}
}
