package no.homemonitoring.terminology;

import java.math.BigDecimal;

/**
 * One kind of home measurement (a concept of the {@code measurement} code system) with what the
 * data says about it.
 *
 * @param code the concept code, e.g. {@code systolic}
 * @param display English display
 * @param canonicalUnit UCUM code of the unit values are stored in; null for a panel
 * @param decimals decimals kept after a conversion by a factor that is not a power of ten
 * @param plausibleLow lowest plausible value in the canonical unit, inclusive; null if unbounded
 * @param plausibleHigh highest plausible value in the canonical unit, inclusive; null if unbounded
 */
public record Measurement(
    String code,
    String display,
    String canonicalUnit,
    int decimals,
    BigDecimal plausibleLow,
    BigDecimal plausibleHigh) {

  /** Whether a value in the canonical unit lies inside the plausibility range. */
  public boolean isPlausible(BigDecimal value) {
    return (plausibleLow == null || value.compareTo(plausibleLow) >= 0)
        && (plausibleHigh == null || value.compareTo(plausibleHigh) <= 0);
  }
}
