package no.homemonitoring.terminology;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * Every code and unit decision of the system: vendor and device codes to LOINC, SNOMED CT and IEEE
 * 11073 MDC, vendor units to UCUM, values to the unit a measurement is stored in.
 *
 * <p>The knowledge is data: the CodeSystems, ValueSets and ConceptMaps (FHIR JSON) in the classpath
 * folder {@value #FOLDER}, from every jar that has one. A new vendor's code map is one more
 * ConceptMap file there; nothing here names a vendor. The same resources are loaded into the FHIR
 * server, so that {@code $translate}, {@code $lookup}, {@code $validate-code} and {@code $expand}
 * answer from the same data.
 */
public final class Terminology {

  /** Where the resources live on the classpath. */
  public static final String FOLDER = "no/homemonitoring/terminology/";

  public static final String BASE = "http://homemonitoring.no/fhir";
  public static final String LOINC = "http://loinc.org";
  public static final String SNOMED_CT = "http://snomed.info/sct";
  public static final String MDC = "urn:iso:std:iso:11073:10101";
  public static final String UCUM = "http://unitsofmeasure.org";
  public static final String MEASUREMENT = BASE + "/CodeSystem/measurement";
  public static final String DEVICE_KIND = BASE + "/CodeSystem/device-kind";

  /** The code systems a measurement is coded with, in the order codings are listed. */
  private static final List<String> STANDARD_SYSTEMS = List.of(LOINC, SNOMED_CT, MDC);

  private static volatile Terminology bundled;

  private final List<MetadataResource> resources;
  private final Map<String, CodeSystem> codeSystems = new HashMap<>();
  private final Map<String, Measurement> measurements = new LinkedHashMap<>();
  private final Map<String, List<MappedTarget>> targets = new HashMap<>();
  private final Ucum ucum;

  /** One target of a ConceptMap element, with the context it depends on (may be empty). */
  private record MappedTarget(
      String system,
      String code,
      String display,
      ConceptMapEquivalence equivalence,
      Map<String, String> dependsOn) {

    boolean appliesIn(Map<String, String> context) {
      return dependsOn.entrySet().stream()
          .allMatch(entry -> entry.getValue().equals(context.get(entry.getKey())));
    }

    boolean isMatch() {
      return equivalence != ConceptMapEquivalence.UNMATCHED
          && equivalence != ConceptMapEquivalence.DISJOINT;
    }

    Coding coding() {
      return new Coding(system, code, display);
    }
  }

  Terminology(List<MetadataResource> resources, Ucum ucum) {
    this.resources = List.copyOf(resources);
    this.ucum = ucum;
    for (MetadataResource resource : resources) {
      if (resource instanceof CodeSystem codeSystem) {
        codeSystems.put(codeSystem.getUrl(), codeSystem);
      } else if (resource instanceof ConceptMap map) {
        index(map);
      }
    }
    CodeSystem measurementSystem = codeSystems.get(MEASUREMENT);
    if (measurementSystem == null) {
      throw new IllegalStateException("The measurement code system " + MEASUREMENT + " is missing");
    }
    for (CodeSystem.ConceptDefinitionComponent concept : measurementSystem.getConcept()) {
      measurements.put(concept.getCode(), measurement(concept));
    }
  }

  /** The terminology of this module's classpath folder (loaded once per process). */
  public static Terminology bundled() {
    Terminology instance = bundled;
    if (instance == null) {
      synchronized (Terminology.class) {
        instance = bundled;
        if (instance == null) {
          instance = load(Terminology.class.getClassLoader());
          bundled = instance;
        }
      }
    }
    return instance;
  }

  /** Loads every resource of {@link #FOLDER} visible to the class loader. */
  public static Terminology load(ClassLoader classLoader) {
    IParser parser = FhirContext.forR4Cached().newJsonParser();
    List<MetadataResource> resources = new ArrayList<>();
    for (String name : ClasspathFolder.list(classLoader, FOLDER, ".json")) {
      try (InputStream in = classLoader.getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException("Cannot read " + name);
        }
        String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (!(parser.parseResource(json) instanceof MetadataResource resource)) {
          throw new IllegalStateException(name + " is not a CodeSystem, ValueSet or ConceptMap");
        }
        resources.add(resource);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + name, e);
      }
    }
    return new Terminology(resources, Ucum.shared());
  }

  /** All CodeSystems, ValueSets and ConceptMaps, as loaded (do not modify them). */
  public List<MetadataResource> resources() {
    return resources;
  }

  /** The ValueSets. */
  public List<ValueSet> valueSets() {
    return resources.stream().filter(ValueSet.class::isInstance).map(ValueSet.class::cast).toList();
  }

  /** The code system with this canonical URL, if this module holds it. */
  public Optional<CodeSystem> codeSystem(String url) {
    return Optional.ofNullable(codeSystems.get(url));
  }

  /** The UCUM service. */
  public Ucum ucum() {
    return ucum;
  }

  /**
   * The targets of every ConceptMap for a source code in one target system. A target that depends
   * on context (for example the kind of device) is included only when {@code context} has the value
   * it depends on; keys are the dependsOn property URIs.
   */
  public List<Coding> translate(
      String system, String code, String targetSystem, Map<String, String> context) {
    return targets.getOrDefault(key(system, code), List.of()).stream()
        .filter(target -> target.system().equals(targetSystem))
        .filter(MappedTarget::isMatch)
        .filter(target -> target.appliesIn(context))
        .map(MappedTarget::coding)
        .toList();
  }

  /** {@link #translate(String, String, String, Map)} without context. */
  public List<Coding> translate(String system, String code, String targetSystem) {
    return translate(system, code, targetSystem, Map.of());
  }

  /**
   * The codings an Observation (or component) carries for a source code: LOINC, SNOMED CT, and the
   * IEEE 11073 MDC code where the source names the device type. A source code that is itself LOINC,
   * SNOMED CT or MDC is kept first.
   *
   * @throws UnknownCodeException if no map knows the code
   */
  public List<Coding> codings(String system, String code, Map<String, String> context) {
    List<Coding> codings = new ArrayList<>();
    if (STANDARD_SYSTEMS.contains(system)) {
      codings.add(new Coding(system, code, display(system, code).orElse(null)));
    }
    for (String target : STANDARD_SYSTEMS) {
      for (Coding coding : translate(system, code, target, context)) {
        if (codings.stream()
            .noneMatch(c -> c.getSystem().equals(target) && c.getCode().equals(coding.getCode()))) {
          codings.add(coding);
        }
      }
    }
    if (codings.size() <= (STANDARD_SYSTEMS.contains(system) ? 1 : 0)) {
      throw new UnknownCodeException(
          "No LOINC or SNOMED CT code is known for " + system + "|" + code);
    }
    codings.sort(
        (a, b) ->
            Integer.compare(
                STANDARD_SYSTEMS.indexOf(a.getSystem()), STANDARD_SYSTEMS.indexOf(b.getSystem())));
    return codings;
  }

  /** {@link #codings(String, String, Map)} without context. */
  public List<Coding> codings(String system, String code) {
    return codings(system, code, Map.of());
  }

  /** The measurement a source code is, if any map says. */
  public Optional<Measurement> measurementOf(String system, String code) {
    if (MEASUREMENT.equals(system)) {
      return Optional.ofNullable(measurements.get(code));
    }
    return translate(system, code, MEASUREMENT).stream()
        .findFirst()
        .map(coding -> measurements.get(coding.getCode()));
  }

  /** The measurement with this code of the measurement code system. */
  public Measurement measurement(String code) {
    Measurement measurement = measurements.get(code);
    if (measurement == null) {
      throw new UnknownCodeException("Unknown measurement '" + code + "' in " + MEASUREMENT);
    }
    return measurement;
  }

  /** All measurements, in the order of the code system. */
  public List<Measurement> measurements() {
    return List.copyOf(measurements.values());
  }

  /**
   * A vendor's unit as a UCUM code. {@code unitSystem} is the vendor's unit code system (mapped by
   * a ConceptMap to UCUM), or UCUM itself (then the code is only checked).
   *
   * @throws UnitException naming the unit if it is unknown
   */
  public String ucumUnit(String unitSystem, String unit) {
    if (UCUM.equals(unitSystem)) {
      return ucum.requireValid(unit);
    }
    List<Coding> mapped = translate(unitSystem, unit, UCUM);
    if (mapped.isEmpty()) {
      throw new UnitException(unit, "Unknown unit '" + unit + "' (" + unitSystem + ")");
    }
    return ucum.requireValid(mapped.get(0).getCode());
  }

  /** The unit a vendor code reports its value in (the code system's {@code unit} property). */
  public String unitOf(String system, String code) {
    return concept(system, code)
        .flatMap(
            concept ->
                concept.getProperty().stream()
                    .filter(property -> "unit".equals(property.getCode()))
                    .findFirst())
        .map(property -> ucum.requireValid(property.getValue().primitiveValue()))
        .orElseThrow(() -> new UnknownCodeException("No unit is known for " + system + "|" + code));
  }

  /**
   * Converts a value of a measurement to the unit it is stored in, rounding only where the
   * conversion is inexact (see {@link Ucum#normalise}).
   */
  public NormalisedValue normalise(String measurementCode, BigDecimal value, String ucumUnit) {
    return ucum.normalise(measurement(measurementCode), value, ucumUnit);
  }

  /** The display of a code in a code system this module holds, or of a map's target. */
  public Optional<String> display(String system, String code) {
    Optional<String> own =
        concept(system, code).map(CodeSystem.ConceptDefinitionComponent::getDisplay);
    if (own.isPresent()) {
      return own;
    }
    return targets.values().stream()
        .flatMap(List::stream)
        .filter(t -> t.system().equals(system) && t.code().equals(code) && t.display() != null)
        .map(MappedTarget::display)
        .findFirst();
  }

  private Optional<CodeSystem.ConceptDefinitionComponent> concept(String system, String code) {
    CodeSystem codeSystem = codeSystems.get(system);
    if (codeSystem == null) {
      return Optional.empty();
    }
    return codeSystem.getConcept().stream().filter(c -> c.getCode().equals(code)).findFirst();
  }

  private void index(ConceptMap map) {
    for (ConceptMap.ConceptMapGroupComponent group : map.getGroup()) {
      for (ConceptMap.SourceElementComponent element : group.getElement()) {
        List<MappedTarget> list =
            targets.computeIfAbsent(
                key(group.getSource(), element.getCode()), k -> new ArrayList<>());
        for (ConceptMap.TargetElementComponent target : element.getTarget()) {
          Map<String, String> dependsOn = new HashMap<>();
          target.getDependsOn().forEach(d -> dependsOn.put(d.getProperty(), d.getValue()));
          list.add(
              new MappedTarget(
                  group.getTarget(),
                  target.getCode(),
                  target.getDisplay(),
                  target.getEquivalence(),
                  Collections.unmodifiableMap(dependsOn)));
        }
      }
    }
  }

  private static Measurement measurement(CodeSystem.ConceptDefinitionComponent concept) {
    String unit = null;
    int decimals = 0;
    BigDecimal low = null;
    BigDecimal high = null;
    for (CodeSystem.ConceptPropertyComponent property : concept.getProperty()) {
      String value = property.getValue().primitiveValue();
      switch (property.getCode()) {
        case "canonical-unit" -> unit = value;
        case "decimals" -> decimals = Integer.parseInt(value);
        case "plausible-low" -> low = new BigDecimal(value);
        case "plausible-high" -> high = new BigDecimal(value);
        default -> {}
      }
    }
    return new Measurement(concept.getCode(), concept.getDisplay(), unit, decimals, low, high);
  }

  private static String key(String system, String code) {
    return system + '|' + code;
  }
}
