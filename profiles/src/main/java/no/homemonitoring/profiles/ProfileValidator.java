package no.homemonitoring.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import no.homemonitoring.terminology.Terminology;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * Validates resources against the project's profiles, offline: the R4 core (with the vital-signs
 * profiles), the project's StructureDefinitions, code systems and value sets, UCUM and the other
 * common code systems. LOINC and SNOMED CT are not loaded, so their codes are checked only where a
 * value set lists them (unknown codes of those systems are warnings, not errors).
 *
 * <p>Thread-safe; build one and share it (the first validation fills the caches and takes seconds).
 */
public final class ProfileValidator {

  private final FhirContext context;
  private final ValidationSupportChain chain;
  private final FhirInstanceValidator instanceValidator;
  private final FhirValidator validator;

  private ProfileValidator(
      FhirContext context, ValidationSupportChain chain, boolean hapiDefaults) {
    this.context = context;
    this.chain = chain;
    this.instanceValidator =
        hapiDefaults ? new FhirInstanceValidator(chain) : new ReusingInstanceValidator(chain);
    // A resource may also declare a profile this server does not hold (e.g. a national one it
    // meets as well): that is reported as a warning, not a reason to refuse it.
    instanceValidator.setErrorForUnknownProfiles(false);
    this.validator = context.newValidator().registerValidatorModule(instanceValidator);
  }

  /** The project's profiles and terminology as bundled on the classpath. */
  public static ProfileValidator create() {
    return create(CoreDefinitions.load(FhirContext.forR4Cached()));
  }

  /**
   * The project's profiles and terminology over the given core definitions, e.g. the instance a
   * server also hands to HAPI's JPA support chain, so that they are loaded once.
   */
  public static ProfileValidator create(CoreDefinitions core) {
    return create(
        Profiles.structureDefinitions(), Terminology.bundled().resources(), List.of(), core, false);
  }

  /**
   * A validator that also knows {@code more} (e.g. national packages): they are consulted after the
   * project's own resources and before the terminology services.
   */
  public static ProfileValidator create(List<IValidationSupport> more) {
    return create(
        Profiles.structureDefinitions(),
        Terminology.bundled().resources(),
        more,
        CoreDefinitions.load(FhirContext.forR4Cached()),
        false);
  }

  /**
   * The same profiles and terminology, validated the way stock HAPI does: with its full core
   * definitions and a new core validator per resource. Slower and several times larger; a reference
   * to check this class against, not for use in the server.
   */
  public static ProfileValidator withHapiDefaults() {
    return create(
        Profiles.structureDefinitions(), Terminology.bundled().resources(), List.of(), null, true);
  }

  /**
   * @param core the core definitions; ignored (may be null) with {@code hapiDefaults}, which uses
   *     HAPI's full ones
   */
  static ProfileValidator create(
      List<StructureDefinition> profiles,
      List<MetadataResource> terminology,
      List<IValidationSupport> more,
      CoreDefinitions core,
      boolean hapiDefaults) {
    FhirContext context = FhirContext.forR4Cached();
    PrePopulatedValidationSupport project = new PrePopulatedValidationSupport(context);
    profiles.forEach(project::addStructureDefinition);
    for (MetadataResource resource : terminology) {
      if (resource instanceof CodeSystem codeSystem) {
        project.addCodeSystem(codeSystem);
      } else if (resource instanceof ValueSet valueSet) {
        project.addValueSet(valueSet);
      }
    }
    project.addCodeSystem(loincFragment(terminology));
    List<IValidationSupport> supports = new ArrayList<>();
    supports.add(hapiDefaults ? new DefaultProfileValidationSupport(context) : core);
    supports.add(project);
    supports.addAll(more);
    supports.add(new CommonCodeSystemsTerminologyService(context));
    supports.add(new InMemoryTerminologyServerValidationSupport(context));
    supports.add(new SnapshotGeneratingValidationSupport(context));
    ValidationSupportChain chain = new ValidationSupportChain(supports);
    // A CodeableConcept with LOINC and SNOMED CT meets a LOINC binding when one coding is in it.
    chain.setCodeableConceptValidationSuccessfulIfNotAllCodingsAreValid(true);
    return new ProfileValidator(context, chain, hapiDefaults);
  }

  /**
   * The LOINC codes the project's value sets list, as a fragment of LOINC: LOINC itself cannot be
   * loaded offline, and without it a required binding to one of our LOINC value sets would fail as
   * "code system unknown". Codes outside the fragment stay warnings. Used by the validator only,
   * never stored or published.
   */
  static CodeSystem loincFragment(List<MetadataResource> terminology) {
    CodeSystem loinc = new CodeSystem();
    loinc.setUrl(Terminology.LOINC);
    loinc.setName("LoincFragment");
    loinc.setStatus(Enumerations.PublicationStatus.ACTIVE);
    loinc.setContent(CodeSystem.CodeSystemContentMode.FRAGMENT);
    Set<String> codes = new TreeSet<>();
    for (MetadataResource resource : terminology) {
      if (resource instanceof ValueSet valueSet) {
        for (ValueSet.ConceptSetComponent include : valueSet.getCompose().getInclude()) {
          if (Terminology.LOINC.equals(include.getSystem())) {
            include.getConcept().forEach(concept -> codes.add(concept.getCode()));
          }
        }
      }
    }
    codes.forEach(code -> loinc.addConcept().setCode(code));
    return loinc;
  }

  /**
   * Validates against the profile the project holds this resource to ({@link Profiles#profileFor}),
   * or the base specification when there is none.
   */
  public ValidationResult validate(IBaseResource resource) {
    Optional<String> profile = Profiles.profileFor(resource);
    return profile.isPresent()
        ? validate(resource, profile.get())
        : validator.validateWithResult(resource);
  }

  /** Validates against {@code profile} (and any profile the resource declares). */
  public ValidationResult validate(IBaseResource resource, String profile) {
    return validator.validateWithResult(resource, new ValidationOptions().addProfile(profile));
  }

  /** Validates a resource given as JSON or XML text, against the profiles it declares. */
  public ValidationResult validate(String resourceText, String profile) {
    ValidationOptions options = new ValidationOptions();
    if (profile != null) {
      options.addProfile(profile);
    }
    return validator.validateWithResult(resourceText, options);
  }

  public FhirContext fhirContext() {
    return context;
  }

  /** The support chain, e.g. for a server's CapabilityStatement or terminology. */
  public IValidationSupport validationSupport() {
    return chain;
  }

  /** The validator module, for HAPI's own validation hooks. */
  public FhirInstanceValidator instanceValidator() {
    return instanceValidator;
  }
}
