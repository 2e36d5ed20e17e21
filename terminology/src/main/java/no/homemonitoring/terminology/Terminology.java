package no.homemonitoring.terminology;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URL;
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

  private static final String SOURCE = Terminology.class.getName() + ".source";

  private static volatile Terminology bundled;

  private final List<MetadataResource> resources;
  private final Map<String, CodeSystem> codeSystems = new HashMap<>();
  private final Map<String, Measurement> measurements = new LinkedHashMap<>();
  private final Map<String, List<MappedTarget>> targets = new HashMap<>();

  /** Display per system|code, of the code systems held here and of every map target. */
  private final Map<String, String> displays = new HashMap<>();

  /** The {@code unit} property per system|code. */
  private final Map<String, String> units = new HashMap<>();

  /** Measurement per LOINC or SNOMED CT system|code it is equivalent to. */
  private final Map<String, String> measurementByStandardCode = new HashMap<>();

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
    Map<String, MetadataResource> byId = new HashMap<>();
    Map<String, MetadataResource> byUrl = new HashMap<>();
    for (MetadataResource resource : resources) {
      requireUnique(
          byId, resource.fhirType() + "/" + resource.getIdElement().getIdPart(), resource);
      requireUnique(byUrl, resource.getUrl(), resource);
      if (resource instanceof CodeSystem codeSystem) {
        index(codeSystem);
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
      for (String system : List.of(LOINC, SNOMED_CT)) {
        targets.getOrDefault(key(MEASUREMENT, concept.getCode()), List.of()).stream()
            .filter(target -> target.system().equals(system))
            .filter(target -> target.equivalence() == ConceptMapEquivalence.EQUIVALENT)
            .forEach(
                target ->
                    measurementByStandardCode.put(key(system, target.code()), concept.getCode()));
      }
    }
  }

  private static void requireUnique(
      Map<String, MetadataResource> seen, String key, MetadataResource resource) {
    if (key == null || key.endsWith("/null")) {
      throw new IllegalStateException(source(resource) + " has no id or url");
    }
    MetadataResource earlier = seen.putIfAbsent(key, resource);
    if (earlier != null) {
      throw new IllegalStateException(
          key + " is defined twice: " + source(earlier) + " and " + source(resource));
    }
  }

  private static String source(MetadataResource resource) {
    Object source = resource.getUserData(SOURCE);
    return source != null ? source.toString() : resource.fhirType() + " " + resource.getUrl();
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
    for (URL file : ClasspathFolder.list(classLoader, FOLDER, ".json")) {
      try (InputStream in = file.openStream()) {
        String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (!(parser.parseResource(json) instanceof MetadataResource resource)) {
          throw new IllegalStateException(file + " is not a CodeSystem, ValueSet or ConceptMap");
        }
        resource.setUserData(SOURCE, file.toString());
        resources.add(resource);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + file, e);
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

  /** A copy of the code system with this canonical URL, if this module holds it. */
  public Optional<CodeSystem> codeSystem(String url) {
    return Optional.ofNullable(codeSystems.get(url)).map(CodeSystem::copy);
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
    Map<String, String> known = context == null ? Map.of() : context;
    return targets.getOrDefault(key(system, code), List.of()).stream()
        .filter(target -> target.system().equals(targetSystem))
        .filter(MappedTarget::isMatch)
        .filter(target -> target.appliesIn(known))
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
    if (system == null || code == null) {
      throw new UnknownCodeException(
          "A coding needs a system and a code (got " + system + "|" + code + ")");
    }
    List<Coding> codings = new ArrayList<>();
    if (STANDARD_SYSTEMS.contains(system)) {
      codings.add(new Coding(system, code, display(system, code).orElse(null)));
    }
    String measurement = measurementByStandardCode.get(key(system, code));
    for (String target : STANDARD_SYSTEMS) {
      List<Coding> mapped = new ArrayList<>(translate(system, code, target, context));
      if (mapped.isEmpty() && measurement != null && !target.equals(MDC)) {
        // A LOINC or SNOMED CT code reaches the other through its measurement.
        mapped.addAll(translate(MEASUREMENT, measurement, target));
      }
      for (Coding coding : mapped) {
        if (codings.stream()
            .noneMatch(c -> c.getSystem().equals(target) && c.getCode().equals(coding.getCode()))) {
          codings.add(coding);
        }
      }
    }
    if (codings.stream().noneMatch(c -> LOINC.equals(c.getSystem()))
        || (STANDARD_SYSTEMS.contains(system) && codings.size() == 1)) {
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

  /** The measurement a source code is, if any map says (LOINC and SNOMED CT codes included). */
  public Optional<Measurement> measurementOf(String system, String code) {
    if (MEASUREMENT.equals(system)) {
      return Optional.ofNullable(measurements.get(code));
    }
    String standard = measurementByStandardCode.get(key(system, code));
    if (standard != null) {
      return Optional.of(measurements.get(standard));
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
    String unit = units.get(key(system, code));
    if (unit == null) {
      throw new UnknownCodeException("No unit is known for " + system + "|" + code);
    }
    return ucum.requireValid(unit);
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
    return Optional.ofNullable(displays.get(key(system, code)));
  }

  private void index(CodeSystem codeSystem) {
    codeSystems.put(codeSystem.getUrl(), codeSystem);
    for (CodeSystem.ConceptDefinitionComponent concept : codeSystem.getConcept()) {
      String key = key(codeSystem.getUrl(), concept.getCode());
      if (concept.hasDisplay()) {
        displays.put(key, concept.getDisplay());
      }
      for (CodeSystem.ConceptPropertyComponent property : concept.getProperty()) {
        if ("unit".equals(property.getCode())) {
          units.put(key, property.getValue().primitiveValue());
        }
      }
    }
  }

  private void index(ConceptMap map) {
    for (ConceptMap.ConceptMapGroupComponent group : map.getGroup()) {
      if (!group.hasSource() || !group.hasTarget()) {
        throw new IllegalStateException(source(map) + ": every group needs a source and a target");
      }
      for (ConceptMap.SourceElementComponent element : group.getElement()) {
        List<MappedTarget> list =
            targets.computeIfAbsent(
                key(group.getSource(), element.getCode()), k -> new ArrayList<>());
        for (ConceptMap.TargetElementComponent target : element.getTarget()) {
          if (!target.hasCode() && target.getEquivalence() != ConceptMapEquivalence.UNMATCHED) {
            throw new IllegalStateException(
                source(map) + ": a target of " + element.getCode() + " has no code");
          }
          if (target.hasDisplay()) {
            displays.putIfAbsent(key(group.getTarget(), target.getCode()), target.getDisplay());
          }
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
