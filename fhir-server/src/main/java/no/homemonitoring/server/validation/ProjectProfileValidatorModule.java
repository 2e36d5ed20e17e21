package no.homemonitoring.server.validation;

import ca.uhn.fhir.validation.IInstanceValidatorModule;
import ca.uhn.fhir.validation.IValidationContext;
import no.homemonitoring.profiles.Profiles;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The validator behind {@code $validate}: checks a resource against the profile the server holds it
 * to on write (by type, and for an Observation by its code), so {@code $validate} answers what a
 * create would answer, also when the caller names no profile.
 */
public class ProjectProfileValidatorModule implements IInstanceValidatorModule {

  private final IInstanceValidatorModule delegate;

  public ProjectProfileValidatorModule(IInstanceValidatorModule delegate) {
    this.delegate = delegate;
  }

  @Override
  public void validateResource(IValidationContext<IBaseResource> context) {
    if (context.getOptions().getProfiles().isEmpty()) {
      Profiles.profileFor(context.getResource()).ifPresent(context.getOptions()::addProfile);
    }
    delegate.validateResource(context);
  }
}
