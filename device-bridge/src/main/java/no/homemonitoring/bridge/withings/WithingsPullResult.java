package no.homemonitoring.bridge.withings;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import no.homemonitoring.bridge.Decoded;
import no.homemonitoring.bridge.Reading;

/**
 * How a Withings pull ended. Only {@link Pulled} moves the user's watermark; every other result is
 * a failure, never "no data", and the next pull starts from the same watermark again.
 */
public sealed interface WithingsPullResult
    permits WithingsPullResult.Pulled,
        WithingsPullResult.ReauthorizationRequired,
        WithingsPullResult.Defect,
        WithingsPullResult.Unavailable {

  /**
   * Every page was fetched and mapped.
   *
   * @param outcomes one outcome per measurement of every page, in the order Withings sent them
   * @param watermark {@code body.updatetime} of the last page: store it as the user's {@code
   *     lastupdate}; the query's watermark if the last page had none, null if neither had one
   * @param pages how many pages were fetched
   */
  record Pulled(List<Decoded> outcomes, Instant watermark, int pages)
      implements WithingsPullResult {

    public Pulled {
      outcomes = List.copyOf(outcomes);
    }

    /** The outcomes that are readings to store. */
    public List<Reading> readings() {
      return outcomes.stream().filter(Reading.class::isInstance).map(Reading.class::cast).toList();
    }
  }

  /**
   * The bridge can no longer act for the user: no tokens are stored, Withings refused the refresh
   * token or rejected the refreshed access token, or the user withdrew access. Alert staff; the
   * user must authorise the bridge again.
   */
  record ReauthorizationRequired(String reason) implements WithingsPullResult {

    public ReauthorizationRequired {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The request or the answer is wrong (invalid parameters, an answer that cannot be read, paging
   * that does not advance). Trying again cannot help: log it as a defect.
   */
  record Defect(String reason) implements WithingsPullResult {

    public Defect {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Withings could not be reached or kept failing for a passing reason (network, timeouts, 5xx,
   * 522, 524, the rate limit) for all tries. Pull again later.
   *
   * @param reason the last failure
   * @param tries how many times the failing request was sent
   */
  record Unavailable(String reason, int tries) implements WithingsPullResult {

    public Unavailable {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
