package no.homemonitoring.terminology;

import java.math.BigDecimal;

/**
 * A value in its measurement's canonical UCUM unit, with the value and unit it was reported in.
 *
 * @param value the value in {@code unit}
 * @param unit UCUM code of the canonical unit
 * @param originalValue the value as reported
 * @param originalUnit UCUM code of the unit as reported
 */
public record NormalisedValue(
    BigDecimal value, String unit, BigDecimal originalValue, String originalUnit) {

  /** Whether the value had to be converted. */
  public boolean converted() {
    return !unit.equals(originalUnit);
  }
}
