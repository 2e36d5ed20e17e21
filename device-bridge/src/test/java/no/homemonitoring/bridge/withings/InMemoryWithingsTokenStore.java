package no.homemonitoring.bridge.withings;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A token store for tests: a map, plus the list of every save to check rotations against. */
final class InMemoryWithingsTokenStore implements WithingsTokenStore {

  private final Map<String, WithingsTokens> tokens = new ConcurrentHashMap<>();
  private final List<WithingsTokens> saves = new CopyOnWriteArrayList<>();

  @Override
  public Optional<WithingsTokens> load(String userId) {
    return Optional.ofNullable(tokens.get(userId));
  }

  @Override
  public void save(String userId, WithingsTokens saved) {
    tokens.put(userId, saved);
    saves.add(saved);
  }

  /** Sets a user's tokens without counting it as a save. */
  void put(String userId, WithingsTokens initial) {
    tokens.put(userId, initial);
  }

  /** Every save, in order. */
  List<WithingsTokens> saves() {
    return List.copyOf(saves);
  }
}
