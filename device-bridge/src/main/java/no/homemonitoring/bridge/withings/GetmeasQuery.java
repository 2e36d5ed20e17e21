package no.homemonitoring.bridge.withings;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which measure groups a Getmeas pull asks for: those measured in a window, or those created or
 * edited since a {@code lastupdate} watermark. Exactly one of the two is set.
 *
 * @param startDate start of the window (inclusive), or null with a watermark
 * @param endDate end of the window (inclusive), or null with a watermark
 * @param lastUpdate the watermark, or null with a window
 */
public record GetmeasQuery(Instant startDate, Instant endDate, Instant lastUpdate) {

  /** Weight, height, diastolic, systolic, pulse, SpO2. */
  static final String MEASURE_TYPES = "1,4,9,10,11,54";

  /** Real measurements only; category 2 are the user's goals. */
  static final String REAL_MEASUREMENTS = "1";

  public GetmeasQuery {
    boolean window = startDate != null && endDate != null && lastUpdate == null;
    boolean watermark = startDate == null && endDate == null && lastUpdate != null;
    if (!window && !watermark) {
      throw new IllegalArgumentException(
          "A Getmeas query needs startDate and endDate, or lastUpdate alone");
    }
    if (window && startDate.isAfter(endDate)) {
      throw new IllegalArgumentException(
          "A Getmeas window must not start after it ends: " + startDate + " > " + endDate);
    }
  }

  /** The groups measured from {@code start} to {@code end}. */
  public static GetmeasQuery window(Instant start, Instant end) {
    return new GetmeasQuery(
        Objects.requireNonNull(start, "start"), Objects.requireNonNull(end, "end"), null);
  }

  /** The groups created or edited since the watermark (this includes later edits of old groups). */
  public static GetmeasQuery updatedSince(Instant watermark) {
    return new GetmeasQuery(null, null, Objects.requireNonNull(watermark, "watermark"));
  }

  /**
   * What to pull for a notification: everything since the user's watermark, or, for a user without
   * one, the notification's window.
   *
   * @param watermark the user's stored {@code lastupdate}, or null
   * @throws IllegalArgumentException without a watermark, if the notification has no window
   */
  public static GetmeasQuery after(WithingsNotification notification, Instant watermark) {
    if (watermark != null) {
      return updatedSince(watermark);
    }
    if (notification.startDate() == null || notification.endDate() == null) {
      throw new IllegalArgumentException(
          "Withings notification for user "
              + notification.userId()
              + " has no window, and the user has no watermark");
    }
    return window(notification.startDate(), notification.endDate());
  }

  /** The request form, with the page offset when paging (null for the first page). */
  Map<String, String> form(Long offset) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("action", "getmeas");
    form.put("meastypes", MEASURE_TYPES);
    form.put("category", REAL_MEASUREMENTS);
    if (lastUpdate != null) {
      form.put("lastupdate", String.valueOf(lastUpdate.getEpochSecond()));
    } else {
      form.put("startdate", String.valueOf(startDate.getEpochSecond()));
      form.put("enddate", String.valueOf(endDate.getEpochSecond()));
    }
    if (offset != null) {
      form.put("offset", String.valueOf(offset));
    }
    return form;
  }
}
