package no.homemonitoring.bridge;

/** How a value came about (recorded as a {@code meta.tag} of the Observation). */
public enum Origin {
  /** Measured by a device. */
  DEVICE("device"),
  /** Typed in by the patient or someone helping. */
  MANUAL("manual"),
  /** Computed by the device from several readings (an average, a multi-measure result). */
  DEVICE_AGGREGATE("device-aggregate");

  private final String code;

  Origin(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
