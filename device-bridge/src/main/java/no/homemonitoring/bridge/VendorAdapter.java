package no.homemonitoring.bridge;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Decodes one vendor format. An adapter is pure: the same payload always gives the same readings,
 * so a payload stored before it is acknowledged can be decoded again after a crash. Adapters are
 * found by injection of every implementation; adding a vendor adds one package and one code map.
 */
public interface VendorAdapter {

  /** The format's name in the ingest URL ({@code /ingest/<format>}). */
  String format();

  /**
   * One outcome per measurement in the payload.
   *
   * @param payload the raw body as received
   * @param receivedAt when the bridge received it (for devices without a usable clock)
   * @throws PayloadException if the payload cannot be read as a whole
   */
  List<Decoded> decode(byte[] payload, Instant receivedAt);

  /**
   * The gateway that relayed the payload (a home hub, a phone app), if the format names one; the
   * bridge names it in the measurements' Provenance.
   */
  default Optional<String> gateway(byte[] payload) {
    return Optional.empty();
  }

  /**
   * Whether the sender waits for the outcome of each measurement in the answer (FHIR batch and
   * transaction Bundles): the payload is processed before the answer, and a measurement that cannot
   * be bound is refused then rather than quarantined behind the sender's back.
   */
  default boolean answersSynchronously() {
    return false;
  }

  /**
   * Called once every measurement decoded from the payload is stored: an adapter that pulls (a
   * vendor cloud) moves its watermark here, never before, so a crash in between only pulls again.
   */
  default void stored(byte[] payload) {}
}
