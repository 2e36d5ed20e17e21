package no.homemonitoring.bridge;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.homemonitoring.terminology.Measurement;
import no.homemonitoring.terminology.NormalisedValue;
import no.homemonitoring.terminology.Terminology;
import no.homemonitoring.terminology.UnitException;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Quantity;

/**
 * The rules every adapter applies the same way, all taken from the terminology module: codes,
 * canonical units and plausibility ranges. Nothing here knows a vendor.
 */
public final class MeasurementRules {

  private final Terminology terminology;

  public MeasurementRules(Terminology terminology) {
    this.terminology = terminology;
  }

  public Terminology terminology() {
    return terminology;
  }

  /** The codings of a vendor code (LOINC, SNOMED CT and MDC where the context names the device). */
  public List<Coding> codings(String system, String code, Map<String, String> context) {
    return terminology.codings(system, code, context);
  }

  /** The measurement a vendor code stands for. */
  public Measurement measurementOf(String system, String code) {
    return terminology
        .measurementOf(system, code)
        .orElseThrow(() -> new IllegalStateException("No measurement for " + system + "|" + code));
  }

  /**
   * A value converted to its measurement's canonical unit.
   *
   * @throws UnitException if the unit is unknown or does not fit the measurement
   */
  public NormalisedValue normalise(String measurement, BigDecimal value, String ucumUnit) {
    return terminology.normalise(measurement, value, ucumUnit);
  }

  /** The reason a canonical value is implausible ({@code implausible:<measurement>}), if it is. */
  public Optional<String> implausible(String measurement, BigDecimal canonicalValue) {
    Measurement rule = terminology.measurement(measurement);
    if (rule.isPlausible(canonicalValue)) {
      return Optional.empty();
    }
    return Optional.of(
        "implausible:%s: %s %s is outside %s-%s"
            .formatted(
                measurement,
                canonicalValue.toPlainString(),
                rule.canonicalUnit(),
                rule.plausibleLow(),
                rule.plausibleHigh()));
  }

  /** A FHIR Quantity of a normalised value (UCUM, the canonical unit). */
  public static Quantity quantity(NormalisedValue value) {
    return new Quantity()
        .setValue(value.value())
        .setUnit(value.unit())
        .setSystem(Terminology.UCUM)
        .setCode(value.unit());
  }

  /**
   * The blood-pressure panel's cross checks: systolic above diastolic. Returns the reason to reject
   * the panel, if any.
   */
  public static Optional<String> implausiblePanel(BigDecimal systolic, BigDecimal diastolic) {
    if (systolic.compareTo(diastolic) <= 0) {
      return Optional.of(
          "implausible:bp-panel: systolic %s is not above diastolic %s"
              .formatted(systolic.toPlainString(), diastolic.toPlainString()));
    }
    return Optional.empty();
  }

  /** Whether a mean arterial pressure lies between diastolic and systolic (else it is left out). */
  public static boolean meanArterialFits(
      BigDecimal map, BigDecimal systolic, BigDecimal diastolic) {
    return map.compareTo(diastolic) >= 0 && map.compareTo(systolic) <= 0;
  }
}
