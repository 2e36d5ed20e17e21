package no.homemonitoring.bridge.withings;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently one Withings request is tried again after a passing failure (a
 * network failure, a timeout, HTTP 5xx, Withings status 522 or 524, the rate limit 601). The waits
 * grow exponentially from {@code firstBackoff}; after the rate limit the wait is at least {@code
 * rateLimitBackoff}. Every try counts towards {@code maxTries}, rate-limited ones included.
 *
 * @param maxTries how many times a request is sent at most (1 to 5)
 * @param firstBackoff the wait after the first failure; it doubles after each further one
 * @param rateLimitBackoff the least wait after the rate limit (at least 60 s: the limit is per
 *     minute)
 */
public record WithingsRetryPolicy(int maxTries, Duration firstBackoff, Duration rateLimitBackoff) {

  /** The most tries the formats reference allows. */
  public static final int MOST_TRIES = 5;

  /** Withings limits an application to 120 requests a minute. */
  public static final Duration LEAST_RATE_LIMIT_BACKOFF = Duration.ofSeconds(60);

  /**
   * Five tries, waiting 1, 2, 4 and 8 s between them, or at least a minute after the rate limit.
   */
  public static final WithingsRetryPolicy DEFAULT =
      new WithingsRetryPolicy(MOST_TRIES, Duration.ofSeconds(1), LEAST_RATE_LIMIT_BACKOFF);

  public WithingsRetryPolicy {
    if (maxTries < 1 || maxTries > MOST_TRIES) {
      throw new IllegalArgumentException(
          "maxTries must be from 1 to " + MOST_TRIES + ": " + maxTries);
    }
    Objects.requireNonNull(firstBackoff, "firstBackoff");
    Objects.requireNonNull(rateLimitBackoff, "rateLimitBackoff");
    if (firstBackoff.isNegative() || firstBackoff.isZero()) {
      throw new IllegalArgumentException("firstBackoff must be positive: " + firstBackoff);
    }
    if (rateLimitBackoff.compareTo(LEAST_RATE_LIMIT_BACKOFF) < 0) {
      throw new IllegalArgumentException(
          "rateLimitBackoff must be at least "
              + LEAST_RATE_LIMIT_BACKOFF
              + ": "
              + rateLimitBackoff);
    }
  }

  /**
   * The wait before the next try.
   *
   * @param failedTries how many tries have failed so far (1 after the first)
   * @param rateLimited whether the last one hit the rate limit
   */
  public Duration backoffAfter(int failedTries, boolean rateLimited) {
    Duration exponential = firstBackoff.multipliedBy(1L << Math.min(failedTries - 1, 30));
    if (rateLimited && exponential.compareTo(rateLimitBackoff) < 0) {
      return rateLimitBackoff;
    }
    return exponential;
  }
}
