package no.homemonitoring.bridge;

/** How far the time of a measurement can be trusted (a {@code meta.tag} of the Observation). */
public enum TimeQuality {
  /** An instant from the source: an epoch or a time with an explicit offset. */
  SOURCE_INSTANT("source-instant"),
  /** A device's local wall-clock time that names exactly one instant in the zone. */
  DEVICE_LOCAL("device-local"),
  /** A local time inside a daylight-saving gap, moved forward by the gap's length. */
  DST_GAP("dst-gap"),
  /** A local time that occurs twice at the end of daylight saving; the earlier offset is taken. */
  DST_OVERLAP("dst-overlap"),
  /** The device time was missing or unusable; the time of reception is used instead. */
  RECEIVE_TIME("receive-time"),
  /** Only a date was given. */
  DATE_ONLY("date-only");

  private final String code;

  TimeQuality(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
