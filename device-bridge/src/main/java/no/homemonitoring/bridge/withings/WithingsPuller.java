package no.homemonitoring.bridge.withings;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.homemonitoring.bridge.Decoded;
import no.homemonitoring.bridge.PayloadException;
import no.homemonitoring.bridge.withings.WithingsPullResult.Defect;
import no.homemonitoring.bridge.withings.WithingsPullResult.Pulled;
import no.homemonitoring.bridge.withings.WithingsPullResult.ReauthorizationRequired;
import no.homemonitoring.bridge.withings.WithingsPullResult.Unavailable;

/**
 * Pulls a Withings user's measure groups (all pages) and maps them to outcomes, following the error
 * policy of the formats reference (§2.3):
 *
 * <ul>
 *   <li>An auth error (HTTP 200 with status 401 and the like): refresh the token and try once more;
 *       if the refresh is refused or the new token is rejected too, {@link
 *       ReauthorizationRequired}.
 *   <li>The user withdrew access (status 214, 277, 2553–2555): {@link ReauthorizationRequired}.
 *   <li>Invalid parameters, or an answer that cannot be read: {@link Defect}, no retry.
 *   <li>The rate limit (601), Withings timeouts (522), bad state (524), other statuses, HTTP 5xx,
 *       network failures and answers slower than the request timeout: try again after a growing
 *       wait (at least a minute after 601), then {@link Unavailable}.
 * </ul>
 *
 * <p>Only a pull whose every page succeeded gives {@link Pulled} and a new watermark; a failure on
 * any page gives no outcomes at all, and the next pull starts from the old watermark again
 * (ingestion is idempotent). Each page's request has its own tries and its own refresh. Blocks
 * while it backs off, so call it from a pull job, never from the webhook. Thread-safe.
 */
public final class WithingsPuller {

  /** Waits between tries; tests pass one that only records the waits. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** The sleeper that really waits. */
  public static final Sleeper THREAD_SLEEP = duration -> Thread.sleep(duration.toMillis());

  private final WithingsClient client;
  private final WithingsAccessTokens tokens;
  private final WithingsMeasureMapper mapper;
  private final WithingsRetryPolicy retryPolicy;
  private final Sleeper sleeper;

  /** A puller with the {@link WithingsRetryPolicy#DEFAULT default retry policy}. */
  public WithingsPuller(
      WithingsClient client, WithingsAccessTokens tokens, WithingsMeasureMapper mapper) {
    this(client, tokens, mapper, WithingsRetryPolicy.DEFAULT, THREAD_SLEEP);
  }

  public WithingsPuller(
      WithingsClient client,
      WithingsAccessTokens tokens,
      WithingsMeasureMapper mapper,
      WithingsRetryPolicy retryPolicy,
      Sleeper sleeper) {
    this.client = client;
    this.tokens = tokens;
    this.mapper = mapper;
    this.retryPolicy = retryPolicy;
    this.sleeper = sleeper;
  }

  /**
   * The pull a notification asks for: since the user's watermark, or the notification's window for
   * a user without one.
   *
   * @param watermark the user's stored {@code lastupdate}, or null
   */
  public WithingsPullResult pull(WithingsNotification notification, Instant watermark) {
    return pull(notification.userId(), GetmeasQuery.after(notification, watermark));
  }

  /** All pages of a query for a user, mapped. */
  public WithingsPullResult pull(String userId, GetmeasQuery query) {
    List<Decoded> outcomes = new ArrayList<>();
    Long offset = null;
    int pages = 0;
    try {
      while (true) {
        GetmeasPage page = fetch(userId, query, offset);
        pages++;
        outcomes.addAll(mapper.decode(page, userId));
        if (!page.more()) {
          Instant watermark = page.updateTime() != null ? page.updateTime() : query.lastUpdate();
          return new Pulled(outcomes, watermark, pages);
        }
        long previous = offset == null ? 0 : offset;
        if (page.offset() == null || page.offset() <= previous) {
          return new Defect(
              "Withings page %d for user %s says more=1, but its offset %s does not advance from %d"
                  .formatted(pages, userId, page.offset(), previous));
        }
        offset = page.offset();
      }
    } catch (PullFailed failed) {
      return failed.result;
    }
  }

  /** One page, with the policy's tries and at most one refresh after an auth error. */
  private GetmeasPage fetch(String userId, GetmeasQuery query, Long offset) throws PullFailed {
    boolean refreshedAfterRejection = false;
    int failedTries = 0;
    while (true) {
      String problem;
      boolean rateLimited = false;
      try {
        String accessToken = tokens.current(userId);
        GetmeasPage page = client.getmeas(accessToken, query, offset);
        switch (page.statusClass()) {
          case OK -> {
            return page;
          }
          case AUTH -> {
            if (refreshedAfterRejection) {
              throw new PullFailed(
                  new ReauthorizationRequired(
                      "Withings rejected the refreshed access token of user "
                          + userId
                          + " too: "
                          + describe(page)));
            }
            tokens.replaceRejected(userId, accessToken);
            refreshedAfterRejection = true;
            continue;
          }
          case UNAUTHORIZED ->
              throw new PullFailed(
                  new ReauthorizationRequired(
                      "Withings refused access to user " + userId + ": " + describe(page)));
          case INVALID_PARAMS ->
              throw new PullFailed(
                  new Defect(
                      "Withings refused the Getmeas request of user "
                          + userId
                          + " as invalid: "
                          + describe(page)));
          default -> {
            problem = describe(page);
            rateLimited = page.statusClass() == WithingsStatus.TOO_MANY_REQUESTS;
          }
        }
      } catch (WithingsReauthorizationRequiredException e) {
        throw new PullFailed(new ReauthorizationRequired(e.getMessage()));
      } catch (WithingsApiException e) {
        // A refresh answered with a passing error; a refusal is a reauthorization above.
        problem = "Refreshing the token: " + e.getMessage();
        rateLimited = e.statusClass() == WithingsStatus.TOO_MANY_REQUESTS;
      } catch (WithingsTransportException e) {
        if (!e.isRetryable()) {
          throw new PullFailed(
              Thread.currentThread().isInterrupted()
                  ? new Unavailable(e.getMessage(), failedTries + 1)
                  : new Defect(e.getMessage()));
        }
        problem = e.getMessage();
        rateLimited = e.isRateLimited();
      } catch (PayloadException e) {
        throw new PullFailed(new Defect("Unreadable Withings answer: " + e.getMessage()));
      }
      failedTries++;
      if (failedTries >= retryPolicy.maxTries()) {
        throw new PullFailed(new Unavailable(problem, failedTries));
      }
      try {
        sleeper.sleep(retryPolicy.backoffAfter(failedTries, rateLimited));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PullFailed(
            new Unavailable("Interrupted while backing off after: " + problem, failedTries));
      }
    }
  }

  private static String describe(GetmeasPage page) {
    return "Withings status %d (%s): %s".formatted(page.status(), page.statusClass(), page.error());
  }

  /** Ends a pull with a failure from deep inside the paging and retry loops. */
  private static final class PullFailed extends Exception {

    private final transient WithingsPullResult result;

    PullFailed(WithingsPullResult result) {
      super(null, null, false, false);
      this.result = result;
    }
  }
}
