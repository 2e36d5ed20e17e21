package no.homemonitoring.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationOptions;
import java.io.InputStream;
import no.homemonitoring.profiles.Profiles;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.junit.jupiter.api.Test;

/**
 * The FHIR package the build makes is usable as any FHIR package is, without this project's code.
 */
class PackageTest {

  @Test
  void thePackageHoldsEveryProfileWithItsSnapshot() throws Exception {
    NpmPackage npm;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(Profiles.PACKAGE)) {
      npm = NpmPackage.fromPackage(in);
    }
    assertThat(npm.name()).isEqualTo("no.homemonitoring.fhir");
    assertThat(npm.fhirVersion()).isEqualTo("4.0.1");
    for (StructureDefinition profile : Profiles.structureDefinitions()) {
      String file = "StructureDefinition-" + profile.getIdPart() + ".json";
      assertThat(npm.hasFile("package", file)).as(file).isTrue();
    }
    assertThat(npm.listResources("StructureDefinition"))
        .hasSize(Profiles.structureDefinitions().size());
    assertThat(npm.listResources("ValueSet")).isNotEmpty();
  }

  @Test
  void anotherValidatorLoadingOnlyThePackageJudgesTheExamplesAlike() {
    FhirContext context = FhirContext.forR4Cached();
    NpmPackageValidationSupport npm = new NpmPackageValidationSupport(context);
    try {
      npm.loadPackageFromClasspath("classpath:" + Profiles.PACKAGE);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    ValidationSupportChain chain =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(context),
            npm,
            new CommonCodeSystemsTerminologyService(context),
            new InMemoryTerminologyServerValidationSupport(context));
    var validator =
        context.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
    for (Examples.Example example : Examples.all()) {
      if (!example.profileId().equals("hm-patient")) {
        continue;
      }
      long errors =
          validator
              .validateWithResult(
                  example.json(), new ValidationOptions().addProfile(example.profileUrl()))
              .getMessages()
              .stream()
              .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
              .count();
      assertThat(errors == 0).as(example.name()).isEqualTo(example.expectedValid());
    }
  }
}
