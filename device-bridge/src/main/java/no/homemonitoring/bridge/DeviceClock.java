package no.homemonitoring.bridge;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;

/**
 * Local wall-clock times as devices report them (no zone, sometimes no clock at all) made into
 * instants, with a flag saying how far each can be trusted.
 */
public final class DeviceClock {

  /** Norway's zone: the fallback when a payload names none. */
  public static final ZoneId OSLO = ZoneId.of("Europe/Oslo");

  /** Battery-reset clocks show 2000-01-01; no home-monitoring device time before this is real. */
  private static final Instant EARLIEST = Instant.parse("2015-01-01T00:00:00Z");

  /** A device clock this far ahead of the reception is not set. */
  private static final Duration MAX_AHEAD = Duration.ofHours(24);

  private DeviceClock() {}

  /** A resolved time and its quality. */
  public record Resolved(OffsetDateTime time, TimeQuality quality) {}

  /**
   * The instant of a local time in a zone. A time in a daylight-saving gap is moved forward by the
   * gap ({@code dst-gap}); a time that occurs twice takes the earlier offset ({@code dst-overlap}).
   */
  public static Resolved local(LocalDateTime local, ZoneId zone) {
    List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
    if (offsets.size() == 1) {
      return new Resolved(local.atOffset(offsets.get(0)), TimeQuality.DEVICE_LOCAL);
    }
    ZoneOffsetTransition transition = zone.getRules().getTransition(local);
    if (offsets.isEmpty()) {
      LocalDateTime shifted = local.plus(transition.getDuration());
      return new Resolved(shifted.atOffset(transition.getOffsetAfter()), TimeQuality.DST_GAP);
    }
    return new Resolved(local.atOffset(transition.getOffsetBefore()), TimeQuality.DST_OVERLAP);
  }

  /**
   * A device's local time, or the reception time when the device time is unusable: missing, before
   * 2015, or more than a day after the reception.
   *
   * @param local the device time, or null when the device sent none or its clock is not set
   */
  public static Resolved deviceOrReceived(LocalDateTime local, Instant receivedAt, ZoneId zone) {
    if (local != null) {
      Resolved resolved = local(local, zone);
      Instant instant = resolved.time().toInstant();
      if (!instant.isBefore(EARLIEST) && !instant.isAfter(receivedAt.plus(MAX_AHEAD))) {
        return resolved;
      }
    }
    return received(receivedAt, zone);
  }

  /** The reception time, rendered with the zone's offset at that instant. */
  public static Resolved received(Instant receivedAt, ZoneId zone) {
    return new Resolved(receivedAt.atZone(zone).toOffsetDateTime(), TimeQuality.RECEIVE_TIME);
  }

  /** An epoch instant rendered with the zone's offset at that instant (never DST-adjusted). */
  public static Resolved instant(Instant instant, ZoneId zone) {
    return new Resolved(instant.atZone(zone).toOffsetDateTime(), TimeQuality.SOURCE_INSTANT);
  }
}
