package no.homemonitoring.server.ingest.withings;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import no.homemonitoring.bridge.Decoded;
import no.homemonitoring.bridge.VendorAdapter;
import no.homemonitoring.bridge.withings.WithingsNotification;
import no.homemonitoring.bridge.withings.WithingsPullResult;
import no.homemonitoring.bridge.withings.WithingsPuller;
import no.homemonitoring.server.ingest.PermanentIngestFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Withings: the stored payload is the notification (Withings sends no values); decoding it pulls
 * the user's measure groups of the notification's window with the user's token. The window, not the
 * watermark, so that decoding the same notification again (a retry, a quarantine sweep) finds the
 * same groups. Withings being unreachable is retried with the inbox's backoff; a user who must
 * authorise the bridge again, or a defect, makes the notification a dead letter at once.
 */
public class WithingsPullAdapter implements VendorAdapter {

  public static final String FORMAT = "withings";

  private static final Logger log = LoggerFactory.getLogger(WithingsPullAdapter.class);

  private final WithingsPuller puller;
  private final WithingsAccounts accounts;
  private final Map<String, Instant> pulledUpTo = new ConcurrentHashMap<>();

  public WithingsPullAdapter(WithingsPuller puller, WithingsAccounts accounts) {
    this.puller = puller;
    this.accounts = accounts;
  }

  @Override
  public String format() {
    return FORMAT;
  }

  @Override
  public List<Decoded> decode(byte[] payload, Instant receivedAt) {
    WithingsNotification notification = WithingsNotification.parse(payload);
    WithingsPullResult result = puller.pull(notification, null);
    if (result instanceof WithingsPullResult.Pulled pulled) {
      if (pulled.watermark() != null) {
        pulledUpTo.merge(notification.userId(), pulled.watermark(), (a, b) -> a.isAfter(b) ? a : b);
      }
      log.info(
          "Withings user {}: {} measurement(s) in {} page(s)",
          notification.userId(),
          pulled.outcomes().size(),
          pulled.pages());
      return pulled.outcomes();
    }
    if (result instanceof WithingsPullResult.ReauthorizationRequired reauthorization) {
      accounts.reauthorizationRequired(notification.userId(), reauthorization.reason());
      log.error(
          "Withings user {} must authorise the bridge again: {}",
          notification.userId(),
          reauthorization.reason());
      throw new PermanentIngestFailure("reauthorization-required: " + reauthorization.reason());
    }
    if (result instanceof WithingsPullResult.Defect defect) {
      log.error("Withings pull defect for user {}: {}", notification.userId(), defect.reason());
      throw new PermanentIngestFailure("defect: " + defect.reason());
    }
    WithingsPullResult.Unavailable unavailable = (WithingsPullResult.Unavailable) result;
    throw new IllegalStateException(
        "withings-unavailable after %d tries: %s"
            .formatted(unavailable.tries(), unavailable.reason()));
  }

  /** The watermark moves only once the pulled measurements are stored. */
  @Override
  public void stored(byte[] payload) {
    String user = WithingsNotification.parse(payload).userId();
    Instant watermark = pulledUpTo.remove(user);
    if (watermark != null) {
      accounts.watermark(user, watermark);
    }
  }
}
