package no.homemonitoring.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import no.homemonitoring.profiles.ProfileValidator;
import no.homemonitoring.server.validation.ProfileValidatingInterceptor;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The device bridge's Observations are validated once per shape: a reading that differs from one
 * that passed only in its value, time, ids and patient is not validated again, anything else is,
 * and a client's resource always is.
 */
class BridgeValidationByShapeTest {

  private static ProfileValidator validator;

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private ProfileValidatingInterceptor interceptor;

  @BeforeAll
  static void validator() {
    validator = ProfileValidator.create();
  }

  private ProfileValidatingInterceptor interceptor() {
    if (interceptor == null) {
      interceptor = new ProfileValidatingInterceptor(validator, meters);
    }
    return interceptor;
  }

  private long validations() {
    return meters.get("homemonitoring.validation").timer().count();
  }

  private static SystemRequestDetails bridge() {
    SystemRequestDetails request = new SystemRequestDetails();
    request.getUserData().put(ProfileValidatingInterceptor.BUILT_BY_BRIDGE, Boolean.TRUE);
    return request;
  }

  private static Observation pulse(String patient, double value, Instant when) {
    return FhirServerContract.observation(new IdType("Patient", patient), "8867-4", value, when);
  }

  @Test
  void aReadingOfAShapeThatPassedIsNotValidatedAgainButDeclaresTheProfile() {
    Instant now = Instant.now();
    interceptor().created(pulse("a", 64, now), bridge());
    assertThat(validations()).isEqualTo(1);

    Observation next = pulse("b", 97.5, now.minus(3, ChronoUnit.DAYS));
    interceptor().created(next, bridge());
    assertThat(validations()).as("same shape: passed without validating").isEqualTo(1);
    assertThat(next.getMeta().getProfile()).hasSize(1);
    assertThat(next.getMeta().getProfile().get(0).getValue()).contains("heart-rate");
  }

  @Test
  void aDifferentShapeIsValidatedAndCanFail() {
    Instant now = Instant.now();
    interceptor().created(pulse("a", 64, now), bridge());
    Observation wrongUnit = pulse("a", 64, now);
    ((Quantity) wrongUnit.getValue()).setCode("kg").setUnit("kg");
    assertThatThrownBy(() -> interceptor().created(wrongUnit, bridge()))
        .isInstanceOf(UnprocessableEntityException.class);
    Observation noSubject = pulse("a", 64, now);
    noSubject.setSubject(null);
    assertThatThrownBy(() -> interceptor().created(noSubject, bridge()))
        .isInstanceOf(UnprocessableEntityException.class);
    assertThat(validations()).isEqualTo(3);
  }

  @Test
  void whatAClientSendsIsAlwaysValidated() {
    Instant now = Instant.now();
    interceptor().created(pulse("a", 64, now), bridge());
    interceptor().created(pulse("a", 65, now), new SystemRequestDetails());
    interceptor().created(pulse("a", 66, now), null);
    assertThat(validations()).isEqualTo(3);
  }
}
