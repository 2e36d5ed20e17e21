package no.homemonitoring.bridge.withings;

import java.util.Optional;

/**
 * Where the server keeps each Withings user's tokens (its database). {@link WithingsAccessTokens}
 * is the only caller, and it never refreshes the same user's tokens twice at a time within one
 * process. If several processes share the store, an implementation must also serialise a user's
 * refresh across them (for example by holding a row lock from {@code load} to {@code save}).
 */
public interface WithingsTokenStore {

  /** The user's tokens, or empty if the user never authorised the bridge or access was removed. */
  Optional<WithingsTokens> load(String userId);

  /**
   * Replaces the user's tokens. It must be durable when it returns: the new access token is used
   * right after, and from then on only the new refresh token works.
   */
  void save(String userId, WithingsTokens tokens);
}
