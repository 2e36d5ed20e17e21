package no.homemonitoring.benchmark;

import java.time.Duration;
import java.util.List;

/**
 * What each run of the bridge benchmark asks of a server, the same on every database.
 *
 * @param levels the concurrencies to measure and how many readings each sends per path
 * @param warmup unrecorded readings sent both ways (at concurrency 8) before the first level
 * @param stallTimeout how long the bridge's stored count may stand still before a phase gives up
 */
record BridgeWorkload(List<Level> levels, int warmup, Duration stallTimeout) {

  static final int WARMUP_CONCURRENCY = 8;

  /** One concurrency and the readings sent at it, by plain POST and again through the bridge. */
  record Level(int concurrency, int measurements) {}

  BridgeWorkload {
    levels = List.copyOf(levels);
  }

  /** One fresh patient per phase (warm-ups included), so a phase's stored count is exact. */
  int patients() {
    return 2 + 2 * levels.size();
  }
}
