package no.homemonitoring.server.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import no.homemonitoring.profiles.ProfileValidator;
import no.homemonitoring.profiles.Profiles;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * Holds every write of a profiled resource type (Patient, the four vital-sign Observations,
 * CarePlan, Consent, RelatedPerson, Device) to the project's profile, whoever writes it: a client,
 * a batch or transaction entry, the demo loader. A resource that fails is refused with 422 and an
 * OperationOutcome with one issue per error, each naming the element and the rule; nothing of it is
 * stored. A resource that passes is stored declaring the profile in {@code meta.profile}.
 *
 * <p>Observations the device bridge built are validated once per shape ({@link ObservationShape}):
 * readings differ only in values, times and ids, and the validator's answer does not.
 *
 * <p>Inside a batch only the failing entry is refused; HAPI reports it with this exception's
 * message, so the message carries every error too.
 */
@Interceptor
public class ProfileValidatingInterceptor {

  /** After authorization (200) and HAPI's own subscription checks. */
  private static final int ORDER = 300;

  private final ProfileValidator validator;
  private final Timer timer;

  public ProfileValidatingInterceptor(ProfileValidator validator, MeterRegistry meterRegistry) {
    this.validator = validator;
    this.timer =
        Timer.builder("homemonitoring.validation")
            .description("Profile validation of one resource on write")
            .publishPercentiles(0.5, 0.95)
            .register(meterRegistry);
  }

  /**
   * A request whose user data holds this key with {@code true} writes Observations the device
   * bridge built: one that has the shape of an Observation that passed before ({@link
   * ObservationShape}) passes without being validated again.
   */
  public static final String BUILT_BY_BRIDGE =
      ProfileValidatingInterceptor.class.getName() + ".bridge";

  private static final int MAX_SHAPES = 2_000;

  /** Shapes of bridge-built Observations that passed, with the profile they passed. */
  private final Map<String, String> passedShapes = new ConcurrentHashMap<>();

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = ORDER)
  public void created(IBaseResource resource, RequestDetails request) {
    check(resource, request);
  }

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = ORDER)
  public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
    check(resource, request);
  }

  void check(IBaseResource resource, RequestDetails request) {
    Optional<String> profile = Profiles.profileFor(resource);
    if (profile.isEmpty()) {
      return;
    }
    String shape = null;
    if (request != null
        && Boolean.TRUE.equals(request.getUserData().get(BUILT_BY_BRIDGE))
        && resource instanceof Observation observation) {
      shape = ObservationShape.of(FhirContext.forR4Cached(), observation);
      if (profile.get().equals(passedShapes.get(shape))) {
        declare(resource, profile.get());
        return;
      }
    }
    ValidationResult result = timer.record(() -> validator.validate(resource, profile.get()));
    List<SingleValidationMessage> errors =
        result.getMessages().stream()
            .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
            .toList();
    if (!errors.isEmpty()) {
      throw new UnprocessableEntityException(
          message(resource, profile.get(), errors), outcome(profile.get(), errors));
    }
    if (shape != null) {
      if (passedShapes.size() >= MAX_SHAPES) {
        passedShapes.clear();
      }
      passedShapes.put(shape, profile.get());
    }
    declare(resource, profile.get());
  }

  private static void declare(IBaseResource resource, String profile) {
    Resource stored = (Resource) resource;
    if (!stored.getMeta().hasProfile(profile)) {
      stored.getMeta().addProfile(profile);
    }
  }

  static String message(
      IBaseResource resource, String profile, List<SingleValidationMessage> errors) {
    return resource.fhirType()
        + " does not meet the profile "
        + profile
        + ": "
        + errors.stream()
            .map(e -> e.getLocationString() + ": " + e.getMessage())
            .collect(Collectors.joining("; "));
  }

  static OperationOutcome outcome(String profile, List<SingleValidationMessage> errors) {
    OperationOutcome outcome = new OperationOutcome();
    for (SingleValidationMessage error : errors) {
      OperationOutcome.OperationOutcomeIssueComponent issue =
          outcome
              .addIssue()
              .setSeverity(
                  error.getSeverity() == ResultSeverityEnum.FATAL
                      ? OperationOutcome.IssueSeverity.FATAL
                      : OperationOutcome.IssueSeverity.ERROR)
              .setCode(OperationOutcome.IssueType.PROCESSING)
              .setDiagnostics(
                  (error.getLocationString() == null ? "" : error.getLocationString() + ": ")
                      + error.getMessage()
                      + " (profile "
                      + profile
                      + ")");
      if (error.getLocationString() != null) {
        issue.addExpression(error.getLocationString());
        issue.getLocation().add(new StringType(error.getLocationString()));
      }
    }
    return outcome;
  }
}
