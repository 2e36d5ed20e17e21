package no.homemonitoring.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import no.homemonitoring.profiles.ProfileValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.Test;

/**
 * The project's validator reuses pooled core validators where HAPI builds one per resource, and
 * gives them the core definitions without their documentation. Neither may change a single message:
 * every example, as text and as a parsed resource, in the examples' order, shuffled and from 8
 * threads at once, gets exactly what stock HAPI says. (That invalid examples are refused at all is
 * {@link ExamplesTest}'s.)
 */
class ReusingInstanceValidatorTest {

  private static final ProfileValidator PROJECT = ProfileValidator.create();

  @Test
  void everyExampleGetsExactlyTheMessagesHapisOwnModuleGives() {
    FhirContext context = PROJECT.fhirContext();
    ProfileValidator hapi = ProfileValidator.withHapiDefaults();

    List<Examples.Example> examples = new ArrayList<>(Examples.all());
    List<String> expected = new ArrayList<>();
    for (Examples.Example example : examples) {
      expected.add(describe(hapi.validate(example.json(), example.profileUrl())));
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
  void validationsOnManyThreadsAtOnceGiveTheSameMessages() throws Exception {
    List<Examples.Example> examples = Examples.all();
    List<String> expected = new ArrayList<>();
    for (Examples.Example example : examples) {
      expected.add(describe(PROJECT.validate(example.json(), example.profileUrl())));
    }
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int thread = 0; thread < 8; thread++) {
        int offset = thread * 5;
        runs.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < examples.size(); i++) {
                    int index = (i + offset) % examples.size();
                    Examples.Example example = examples.get(index);
                    assertThat(describe(PROJECT.validate(example.json(), example.profileUrl())))
                        .as(example.name())
                        .isEqualTo(expected.get(index));
                  }
                }));
      }
      for (Future<?> run : runs) {
        run.get(5, TimeUnit.MINUTES);
      }
    } finally {
      threads.shutdownNow();
    }
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
