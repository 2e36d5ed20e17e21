package no.homemonitoring.bridge.withings;

import static no.homemonitoring.bridge.withings.WithingsTestData.JANUARY;
import static no.homemonitoring.bridge.withings.WithingsTestData.USER;
import static no.homemonitoring.bridge.withings.WithingsTestData.example;
import static no.homemonitoring.bridge.withings.WithingsTestData.group;
import static no.homemonitoring.bridge.withings.WithingsTestData.measure;
import static no.homemonitoring.bridge.withings.WithingsTestData.page;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import java.util.stream.Stream;
import no.homemonitoring.bridge.BoundPatient;
import no.homemonitoring.bridge.MeasurementRules;
import no.homemonitoring.bridge.Reading;
import no.homemonitoring.bridge.fhir.ObservationFactory;
import no.homemonitoring.profiles.ProfileValidator;
import no.homemonitoring.terminology.Terminology;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every reading the mapper produces makes an Observation the project's profiles accept. */
class WithingsObservationValidationTest {

  private static final BoundPatient P1 =
      new BoundPatient("p1", "urn:oid:2.16.578.1.12.4.1.4.1", "15835010187", "Test Person");

  private static final WithingsMeasureMapper MAPPER =
      new WithingsMeasureMapper(new MeasurementRules(Terminology.bundled()));

  /** Slow to build (seconds): one for all cases. */
  private static ProfileValidator validator;

  @BeforeAll
  static void createValidator() {
    validator = ProfileValidator.create();
  }

  /** MDC_PULS_RATE: the code of a pulse measured by a scale (formats reference §6). */
  private static final String SCALE_PULSE = "149514";

  static Stream<Named<Reading>> readings() {
    Stream<byte[]> pages =
        Stream.of(
            example("withings-getmeas-bp.json"),
            example("withings-getmeas-weight.json"),
            example("withings-getmeas-spo2.json"),
            page(
                group(8001, 2, 1, JANUARY, measure(4, 1750, -3)),
                group(8002, 5, 1, JANUARY, measure(10, 13650, -2), measure(9, 8425, -2)),
                group(8003, 1, 1, JANUARY, measure(54, 97, 0), measure(11, 64, 0))));
    return pages
        .flatMap(json -> MAPPER.decode(json, USER).stream())
        .filter(Reading.class::isInstance)
        .map(Reading.class::cast)
        .map(reading -> Named.of(reading.identity(), reading));
  }

  @ParameterizedTest
  @MethodSource("readings")
  void theObservationHasNoValidationErrors(Reading reading) {
    assertValid(reading);
  }

  @Test
  void theScalePulseHasNoValidationErrors() {
    Reading scalePulse =
        MAPPER.decode(example("withings-getmeas-weight.json"), USER).stream()
            .filter(Reading.class::isInstance)
            .map(Reading.class::cast)
            .filter(WithingsObservationValidationTest::isScalePulse)
            .findFirst()
            .orElseThrow();

    assertValid(scalePulse);
  }

  private static boolean isScalePulse(Reading reading) {
    return reading.codings().stream()
        .anyMatch(
            coding ->
                Terminology.MDC.equals(coding.getSystem()) && SCALE_PULSE.equals(coding.getCode()));
  }

  private static void assertValid(Reading reading) {
    Observation observation = ObservationFactory.observation(reading, P1, "dev-1");

    ValidationResult result = validator.validate(observation);

    List<String> errors =
        result.getMessages().stream()
            .filter(
                message -> message.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
            .map(WithingsObservationValidationTest::describe)
            .toList();
    assertThat(errors).as(reading.identity()).isEmpty();
  }

  private static String describe(SingleValidationMessage message) {
    return message.getLocationString() + ": " + message.getMessage();
  }
}
