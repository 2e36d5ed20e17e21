package no.homemonitoring.conformance;

import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.homemonitoring.profiles.ProfileValidator;
import no.homemonitoring.profiles.Profiles;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.utilities.npm.NpmPackage;

/**
 * Checks that an Observation of ours also meets the matching HL7 Norway VKP Observation profile,
 * with the VKP package read offline (see {@link FhirPackages}).
 */
public final class VkpCompatibility {

  public static final String VKP_BASE = "http://hl7.no/fhir/vkpobservation/StructureDefinition/";

  /** Our vital-sign profile → the VKP profile it must also meet. */
  public static final Map<String, String> VKP_PROFILE_OF =
      Map.of(
          Profiles.BLOOD_PRESSURE, VKP_BASE + "vkp-Observation-Bloodpressure",
          Profiles.BODY_WEIGHT, VKP_BASE + "vkp-Observation-Bodyweight",
          Profiles.OXYGEN_SATURATION, VKP_BASE + "vkp-Observation-Oxygensat",
          Profiles.HEART_RATE, VKP_BASE + "vkp-Observation-Heartrate");

  private final ProfileValidator validator;
  private final String packageId;

  private VkpCompatibility(ProfileValidator validator, String packageId) {
    this.validator = validator;
    this.packageId = packageId;
  }

  /** Empty when the folder has no VKP package. */
  public static Optional<VkpCompatibility> load(Path folder) {
    Optional<NpmPackage> vkp = FhirPackages.find(folder, FhirPackages.VKP_OBSERVATION);
    return vkp.map(
        npm ->
            new VkpCompatibility(
                ProfileValidator.create(List.of(FhirPackages.validationSupport(npm))),
                npm.name() + "#" + npm.version()));
  }

  public String packageId() {
    return packageId;
  }

  /** The VKP profile for this Observation; empty for kinds VKP does not profile. */
  public static Optional<String> vkpProfileFor(IBaseResource observation) {
    if (!(observation instanceof Observation)) {
      return Optional.empty();
    }
    return Profiles.profileFor(observation).map(VKP_PROFILE_OF::get);
  }

  /** The errors (only errors) the VKP profile finds. */
  public List<SingleValidationMessage> errors(IBaseResource observation) {
    String profile =
        vkpProfileFor(observation)
            .orElseThrow(
                () -> new IllegalArgumentException("No VKP profile for " + observation.fhirType()));
    // Our own profile, declared in meta.profile by the server, is checked as well.
    return validator.validate(observation, profile).getMessages().stream()
        .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
        .toList();
  }
}
