package no.homemonitoring.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import no.homemonitoring.profiles.ProfileValidator;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.Test;

/**
 * The project's validator keeps one core validator per thread where HAPI builds one per resource.
 * That must not change a single message: every example, as text and as a parsed resource, in the
 * examples' order and shuffled, gets exactly what HAPI's own module says.
 */
class ReusingInstanceValidatorTest {

  private static final ProfileValidator PROJECT = ProfileValidator.create();

  @Test
  void everyExampleGetsExactlyTheMessagesHapisOwnModuleGives() {
    FhirContext context = PROJECT.fhirContext();
    FhirInstanceValidator hapiModule = new FhirInstanceValidator(PROJECT.validationSupport());
    hapiModule.setErrorForUnknownProfiles(false);
    FhirValidator hapi = context.newValidator().registerValidatorModule(hapiModule);

    List<Examples.Example> examples = new ArrayList<>(Examples.all());
    List<String> expected = new ArrayList<>();
    for (Examples.Example example : examples) {
      expected.add(describe(hapi.validateWithResult(example.json(), options(example))));
    }

    for (int round = 0; round < 3; round++) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < examples.size(); i++) {
        order.add(i);
      }
      if (round > 0) {
        Collections.shuffle(order, new Random(round));
      }
      for (int i : order) {
        Examples.Example example = examples.get(i);
        assertThat(describe(PROJECT.validate(example.json(), example.profileUrl())))
            .as("round %d, %s as text", round, example.name())
            .isEqualTo(expected.get(i));
        IBaseResource parsed = context.newJsonParser().parseResource(example.json());
        assertThat(describe(PROJECT.validate(parsed, example.profileUrl())))
            .as("round %d, %s parsed", round, example.name())
            .isEqualTo(expected.get(i));
      }
    }
  }

  @Test
  void invalidExamplesAreStillRefused() {
    // Guards the comparison above against both validators going quiet together.
    long refused =
        Examples.all().stream()
            .filter(e -> !e.expectedValid())
            .filter(e -> !PROJECT.validate(e.json(), e.profileUrl()).isSuccessful())
            .count();
    assertThat(refused).isEqualTo(Examples.all().stream().filter(e -> !e.expectedValid()).count());
  }

  private static ValidationOptions options(Examples.Example example) {
    return new ValidationOptions().addProfile(example.profileUrl());
  }

  private static String describe(ValidationResult result) {
    List<String> lines = new ArrayList<>();
    for (SingleValidationMessage message : result.getMessages()) {
      lines.add(
          message.getSeverity()
              + " "
              + message.getLocationString()
              + " "
              + message.getMessageId()
              + " "
              + message.getMessage());
    }
    Collections.sort(lines);
    return String.join("\n", lines);
  }
}
