package no.homemonitoring.bridge.withings;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Hands out a Withings user's access token and refreshes it when needed, one refresh per user at a
 * time. Withings rotates the refresh token on every refresh, so two parallel refreshes with the
 * same refresh token would leave one caller with a pair that is already dead: a caller that finds a
 * refresh under way waits for it and uses its result. Thread-safe.
 */
public final class WithingsAccessTokens {

  /** A token with less than this left is refreshed before it is used. */
  public static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

  /** Statuses of a refresh answer that mean the refresh token will never work again. */
  private static final Set<WithingsStatus> REFUSALS =
      Set.of(WithingsStatus.AUTH, WithingsStatus.UNAUTHORIZED, WithingsStatus.INVALID_PARAMS);

  private final WithingsClient client;
  private final WithingsTokenStore store;
  private final Clock clock;

  /** One monitor per user, so that refreshes of different users do not wait for each other. */
  private final ConcurrentMap<String, Object> refreshLocks = new ConcurrentHashMap<>();

  public WithingsAccessTokens(WithingsClient client, WithingsTokenStore store, Clock clock) {
    this.client = client;
    this.store = store;
    this.clock = clock;
  }

  /**
   * An access token with at least {@link #REFRESH_MARGIN} left, refreshed and stored first if
   * needed.
   *
   * @throws WithingsReauthorizationRequiredException if no tokens are stored or Withings refused
   *     the refresh token
   * @throws WithingsTransportException if the refresh got no answer (worth trying again: the old
   *     refresh token stays valid until the new access token is used)
   * @throws WithingsApiException if Withings answered the refresh with a passing error (timeout,
   *     rate limit)
   */
  public String current(String userId) {
    WithingsTokens tokens = load(userId);
    if (!isExpiring(tokens)) {
      return tokens.accessToken();
    }
    synchronized (lockOf(userId)) {
      // Another caller may have refreshed while this one waited.
      WithingsTokens latest = load(userId);
      return isExpiring(latest) ? refresh(userId, latest) : latest.accessToken();
    }
  }

  /**
   * A new access token after Withings rejected {@code rejected}. If another caller has replaced
   * that token in the meantime, its replacement is returned without a second refresh.
   *
   * @throws WithingsReauthorizationRequiredException as {@link #current}
   * @throws WithingsTransportException as {@link #current}
   * @throws WithingsApiException as {@link #current}
   */
  public String replaceRejected(String userId, String rejected) {
    synchronized (lockOf(userId)) {
      WithingsTokens latest = load(userId);
      boolean replacedMeanwhile = !latest.accessToken().equals(rejected) && !isExpiring(latest);
      return replacedMeanwhile ? latest.accessToken() : refresh(userId, latest);
    }
  }

  private String refresh(String userId, WithingsTokens tokens) {
    WithingsTokens refreshed;
    try {
      refreshed = client.refresh(tokens.refreshToken());
    } catch (WithingsApiException e) {
      if (REFUSALS.contains(e.statusClass())) {
        throw new WithingsReauthorizationRequiredException(
            userId, "Withings refused the refresh token: " + e.getMessage(), e);
      }
      throw e;
    }
    // Stored before anyone uses it: using the new access token kills the old refresh token.
    store.save(userId, refreshed);
    return refreshed.accessToken();
  }

  private WithingsTokens load(String userId) {
    return store
        .load(userId)
        .orElseThrow(
            () ->
                new WithingsReauthorizationRequiredException(
                    userId, "no Withings tokens are stored", null));
  }

  private boolean isExpiring(WithingsTokens tokens) {
    return tokens.expiresWithin(REFRESH_MARGIN, clock.instant());
  }

  private Object lockOf(String userId) {
    return refreshLocks.computeIfAbsent(userId, user -> new Object());
  }
}
