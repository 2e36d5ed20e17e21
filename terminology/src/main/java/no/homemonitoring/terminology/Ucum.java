package no.homemonitoring.terminology;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.fhir.ucum.Decimal;
import org.fhir.ucum.Pair;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;

/**
 * UCUM units through the {@code org.fhir:ucum} library: validation, conversion factors and
 * canonical forms, with caches in front of the library's slow decimal arithmetic.
 *
 * <p>One exception is written here: the library does not convert units with an offset from zero
 * ("Not handled yet"). The two such units devices report, degree Celsius and degree Fahrenheit, are
 * converted through kelvin by their UCUM definitions (Cel = K - 273.15, [degF] = 5/9 K from
 * -459.67).
 */
public final class Ucum {

  private static final String ESSENCE = "/ucum-essence.xml";
  private static final MathContext PRECISION = MathContext.DECIMAL64;
  private static final Set<String> TEMPERATURES = Set.of("K", "Cel", "[degF]");
  private static final BigDecimal KELVIN_AT_ZERO_CELSIUS = new BigDecimal("273.15");
  private static final BigDecimal KELVIN_ZERO_IN_FAHRENHEIT = new BigDecimal("459.67");
  private static final BigDecimal FIVE = BigDecimal.valueOf(5);
  private static final BigDecimal NINE = BigDecimal.valueOf(9);

  private static volatile Ucum shared;

  private final CachingUcumEssenceService service;
  private static final int MAX_CACHED = 10_000;

  /** Units known to be valid; invalid ones are not cached (they come from clients). */
  private final Set<String> valid = ConcurrentHashMap.newKeySet();

  private final Map<String, BigDecimal> factors = new ConcurrentHashMap<>();

  private Ucum(CachingUcumEssenceService service) {
    this.service = service;
  }

  /** The one instance of the process (loading UCUM's definitions takes half a second). */
  public static Ucum shared() {
    Ucum instance = shared;
    if (instance == null) {
      synchronized (Ucum.class) {
        instance = shared;
        if (instance == null) {
          instance = new Ucum(load());
          shared = instance;
        }
      }
    }
    return instance;
  }

  private static CachingUcumEssenceService load() {
    try (InputStream essence = UcumEssenceService.class.getResourceAsStream(ESSENCE)) {
      if (essence == null) {
        throw new IllegalStateException(ESSENCE + " is missing from the UCUM library");
      }
      return new CachingUcumEssenceService(essence);
    } catch (IOException | UcumException e) {
      throw new IllegalStateException("Cannot load UCUM definitions", e);
    }
  }

  /**
   * The UCUM service, with cached canonical forms; it can stand in for every other {@link
   * UcumEssenceService} of the process.
   */
  public UcumEssenceService service() {
    return service;
  }

  /** Returns the unit if it is a valid UCUM code, else throws naming it. */
  public String requireValid(String unit) {
    if (unit == null || unit.isBlank()) {
      throw new UnitException(unit, "A unit is required (a UCUM code such as mm[Hg] or kg)");
    }
    if (valid.contains(unit)) {
      return unit;
    }
    String problem = service.validate(unit);
    if (problem != null) {
      throw new UnitException(
          unit, "Unknown unit '" + unit + "': not a UCUM code (" + problem + ")");
    }
    if (valid.size() < MAX_CACHED) {
      valid.add(unit);
    }
    return unit;
  }

  /** Whether a value in one unit can be converted to the other. */
  public boolean isComparable(String from, String to) {
    try {
      convert(BigDecimal.ONE, from, to);
      return true;
    } catch (UnitException e) {
      return false;
    }
  }

  /**
   * Converts a value. Multiplicative units are converted by the exact factor the library derives
   * (so the result can have many decimals: round it where the measurement says); temperatures by
   * their offsets.
   */
  public BigDecimal convert(BigDecimal value, String from, String to) {
    requireValid(from);
    requireValid(to);
    if (from.equals(to)) {
      return value;
    }
    if (TEMPERATURES.contains(from) || TEMPERATURES.contains(to)) {
      return convertTemperature(value, from, to);
    }
    return value.multiply(factor(from, to));
  }

  /**
   * The factor by which a value in {@code from} is multiplied to get {@code to}, without trailing
   * zeros.
   */
  public BigDecimal factor(String from, String to) {
    requireValid(from);
    requireValid(to);
    if (TEMPERATURES.contains(from) || TEMPERATURES.contains(to)) {
      throw new UnitException(
          from, "'" + from + "' to '" + to + "' is not a conversion by a factor (offset units)");
    }
    String key = from + " -> " + to;
    BigDecimal factor = factors.get(key);
    if (factor == null) {
      factor = libraryFactor(from, to);
      if (factors.size() < MAX_CACHED) {
        factors.put(key, factor);
      }
    }
    return factor;
  }

  private BigDecimal libraryFactor(String from, String to) {
    try {
      Decimal one = new Decimal("1", PRECISION.getPrecision());
      return new BigDecimal(service.convert(one, from, to).asDecimal())
          .round(PRECISION)
          .stripTrailingZeros();
    } catch (UcumException e) {
      throw new UnitException(
          from, "Cannot convert '" + from + "' to '" + to + "': " + e.getMessage(), e);
    }
  }

  private BigDecimal convertTemperature(BigDecimal value, String from, String to) {
    if (!TEMPERATURES.contains(from) || !TEMPERATURES.contains(to)) {
      String offending = TEMPERATURES.contains(from) ? to : from;
      throw new UnitException(
          offending,
          "Cannot convert '"
              + from
              + "' to '"
              + to
              + "': only temperatures convert to temperatures");
    }
    BigDecimal kelvin =
        switch (from) {
          case "Cel" -> value.add(KELVIN_AT_ZERO_CELSIUS);
          case "[degF]" ->
              value.add(KELVIN_ZERO_IN_FAHRENHEIT).multiply(FIVE).divide(NINE, PRECISION);
          default -> value;
        };
    return switch (to) {
      case "Cel" -> kelvin.subtract(KELVIN_AT_ZERO_CELSIUS);
      case "[degF]" ->
          kelvin.multiply(NINE).divide(FIVE, PRECISION).subtract(KELVIN_ZERO_IN_FAHRENHEIT);
      default -> kelvin;
    };
  }

  /**
   * Converts to a measurement's canonical unit, rounded half-up to the measurement's decimals (18.9
   * kPa is 142 mm[Hg], 181.6 [lb_av] is 82.372 kg, 1.75 m is 175.0 cm, 82100 g is 82.100 kg). A
   * value already in the canonical unit keeps its precision as reported.
   */
  public NormalisedValue normalise(Measurement measurement, BigDecimal value, String unit) {
    java.util.Objects.requireNonNull(value, "value");
    if (measurement.canonicalUnit() == null) {
      throw new UnitException(unit, measurement.code() + " has no value of its own (a panel)");
    }
    requireValid(unit);
    String canonical = measurement.canonicalUnit();
    if (unit.equals(canonical)) {
      return new NormalisedValue(value, canonical, value, unit);
    }
    if (!isComparable(unit, canonical)) {
      throw new UnitException(
          unit,
          "Unit '"
              + unit
              + "' cannot be converted to "
              + canonical
              + ", the unit of "
              + measurement.code());
    }
    BigDecimal converted =
        convert(value, unit, canonical).setScale(measurement.decimals(), RoundingMode.HALF_UP);
    return new NormalisedValue(converted, canonical, value, unit);
  }

  /**
   * The library's service with a cache of canonical forms. A canonical form costs about a
   * millisecond of decimal arithmetic, and a FHIR server with normalised quantity indexing asks for
   * one per quantity written; home readings repeat the same few hundred values.
   */
  static final class CachingUcumEssenceService extends UcumEssenceService {

    private static final int MAX_ENTRIES = 100_000;
    private final Map<String, Pair> canonicalForms = new ConcurrentHashMap<>();

    CachingUcumEssenceService(InputStream essence) throws UcumException {
      super(essence);
    }

    @Override
    public Pair getCanonicalForm(Pair value) throws UcumException {
      if (value == null || value.getValue() == null || value.getCode() == null) {
        return super.getCanonicalForm(value);
      }
      String key = value.getCode() + ' ' + value.getValue() + ' ' + value.getValue().asScientific();
      Pair cached = canonicalForms.get(key);
      if (cached == null) {
        Pair computed = super.getCanonicalForm(value);
        if (canonicalForms.size() >= MAX_ENTRIES) {
          canonicalForms.clear();
        }
        canonicalForms.put(key, computed);
        cached = computed;
      }
      return new Pair(cached.getValue().copy(), cached.getCode());
    }
  }
}
