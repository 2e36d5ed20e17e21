package no.homemonitoring.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.List;
import java.util.stream.Stream;
import no.homemonitoring.profiles.ProfileValidator;
import no.homemonitoring.profiles.Profiles;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every example validates as its file name says: valid ones without errors, invalid ones failing
 * for the named rule only.
 */
class ExamplesTest {

  private static final ProfileValidator VALIDATOR = ProfileValidator.create();

  @TestFactory
  Stream<DynamicTest> eachExampleFailsExactlyForTheRuleItsNameSays() {
    return Examples.all().stream()
        .map(example -> DynamicTest.dynamicTest(example.name(), () -> check(example)));
  }

  private static void check(Examples.Example example) {
    List<SingleValidationMessage> errors =
        VALIDATOR.validate(example.json(), example.profileUrl()).getMessages().stream()
            .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
            .toList();
    if (example.expectedValid()) {
      assertThat(errors).as(example.name()).isEmpty();
    } else {
      assertThat(errors).as(example.name() + " must fail").isNotEmpty();
      assertThat(errors)
          .as(example.name() + ": every error names " + example.expectedRule())
          .allSatisfy(
              e ->
                  assertThat(e.getLocationString() + " " + e.getMessage())
                      .contains(example.expectedRule()));
    }
  }

  @Test
  void everyProfileHasValidAndInvalidExamples() {
    for (StructureDefinition profile : Profiles.structureDefinitions()) {
      if ("Extension".equals(profile.getType())) {
        continue;
      }
      List<Examples.Example> examples =
          Examples.all().stream().filter(e -> e.profileUrl().equals(profile.getUrl())).toList();
      assertThat(examples).as(profile.getUrl()).anyMatch(Examples.Example::expectedValid);
      assertThat(examples).as(profile.getUrl()).anyMatch(e -> !e.expectedValid());
    }
  }
}
