package no.homemonitoring.terminology;

/** A unit that is not known, or cannot be converted to the unit asked for. The message names it. */
public class UnitException extends IllegalArgumentException {

  private final String unit;

  public UnitException(String unit, String message) {
    super(message);
    this.unit = unit;
  }

  public UnitException(String unit, String message, Throwable cause) {
    super(message, cause);
    this.unit = unit;
  }

  /** The unit as it was given. */
  public String unit() {
    return unit;
  }
}
