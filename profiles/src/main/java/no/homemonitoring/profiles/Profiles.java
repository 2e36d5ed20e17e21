package no.homemonitoring.profiles;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.homemonitoring.terminology.Terminology;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * The project's profiles: their canonical URLs, which profile a resource must meet, and the
 * StructureDefinitions (with the snapshots generated at build time) bundled on the classpath.
 */
public final class Profiles {

  public static final String BASE = Terminology.BASE + "/StructureDefinition/";
  public static final String PATIENT = BASE + "hm-patient";
  public static final String BLOOD_PRESSURE = BASE + "hm-observation-blood-pressure";
  public static final String BODY_WEIGHT = BASE + "hm-observation-body-weight";
  public static final String OXYGEN_SATURATION = BASE + "hm-observation-oxygen-saturation";
  public static final String HEART_RATE = BASE + "hm-observation-heart-rate";
  public static final String CARE_PLAN = BASE + "hm-careplan";
  public static final String CONSENT = BASE + "hm-consent";
  public static final String RELATED_PERSON = BASE + "hm-relatedperson";
  public static final String DEVICE = BASE + "hm-device";
  public static final String ALARM_THRESHOLD = BASE + "hm-alarm-threshold";
  public static final String MUNICIPALITY = BASE + "hm-municipality";

  /** Classpath folder of the StructureDefinitions with snapshots, written by the build. */
  public static final String FOLDER = "no/homemonitoring/profiles/";

  /** The FHIR NPM package of profiles and terminology, as built by Maven. */
  public static final String PACKAGE = FOLDER + "package.tgz";

  static final String INDEX = "index.txt";

  /** The profile an Observation must meet, by its LOINC code (the core vital-signs codes). */
  private static final Map<String, String> OBSERVATION_PROFILES =
      Map.of(
          "85354-9", BLOOD_PRESSURE,
          "29463-7", BODY_WEIGHT,
          "2708-6", OXYGEN_SATURATION,
          "59408-5", OXYGEN_SATURATION,
          "8867-4", HEART_RATE);

  private static final Map<String, String> RESOURCE_PROFILES =
      Map.of(
          "Patient", PATIENT,
          "CarePlan", CARE_PLAN,
          "Consent", CONSENT,
          "RelatedPerson", RELATED_PERSON,
          "Device", DEVICE);

  private static volatile List<StructureDefinition> bundled;

  private Profiles() {}

  /**
   * The profile the server holds {@code resource} to: by type, and for an Observation by its LOINC
   * code. Empty for resources the project does not profile (they are checked against the base
   * specification only).
   */
  public static Optional<String> profileFor(IBaseResource resource) {
    if (resource instanceof Observation observation) {
      for (Coding coding : observation.getCode().getCoding()) {
        if (Terminology.LOINC.equals(coding.getSystem())
            && OBSERVATION_PROFILES.containsKey(coding.getCode())) {
          return Optional.of(OBSERVATION_PROFILES.get(coding.getCode()));
        }
      }
      return Optional.empty();
    }
    return Optional.ofNullable(RESOURCE_PROFILES.get(resource.fhirType()));
  }

  /** Every profile and extension of the project, with snapshots, as the build generated them. */
  public static List<StructureDefinition> structureDefinitions() {
    List<StructureDefinition> result = bundled;
    if (result == null) {
      result = load(Profiles.class.getClassLoader());
      bundled = result;
    }
    return result;
  }

  static List<StructureDefinition> load(ClassLoader classLoader) {
    FhirContext context = FhirContext.forR4Cached();
    List<StructureDefinition> definitions = new ArrayList<>();
    for (String file : read(classLoader, FOLDER + INDEX).split("\n")) {
      if (!file.isBlank()) {
        definitions.add(
            context
                .newJsonParser()
                .parseResource(
                    StructureDefinition.class, read(classLoader, FOLDER + file.strip())));
      }
    }
    if (definitions.isEmpty()) {
      throw new IllegalStateException("No profiles listed in " + FOLDER + INDEX);
    }
    return List.copyOf(definitions);
  }

  private static String read(ClassLoader classLoader, String path) {
    try (InputStream in = classLoader.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(
            path + " is not on the classpath; the profiles module's build writes it");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
