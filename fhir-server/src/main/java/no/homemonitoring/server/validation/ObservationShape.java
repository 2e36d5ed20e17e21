package no.homemonitoring.server.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.math.BigDecimal;
import java.util.Date;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;

/**
 * What the profiles can see of an Observation the device bridge built, without the parts that
 * differ from one reading to the next: every number is 0, every date and time the same instant at
 * the same precision, every identifier value and reference id {@code x} (the reference's type
 * stays). Codes, units, systems, displays, extensions and which elements are present stay as they
 * are.
 *
 * <p>The bridge sets numbers, times, identifiers and references through the model's typed setters,
 * so none of them can be malformed, and no rule of the project's or the core profiles on these
 * Observations depends on a number's size, a time's value or an id: two Observations of one shape
 * are valid or invalid together. That is why the shape is only used for what the bridge built,
 * never for a resource a client sent.
 */
final class ObservationShape {

  private static final Date SAME = new Date(0);

  private ObservationShape() {}

  static String of(FhirContext context, Observation observation) {
    Observation copy = observation.copy();
    copy.setIdElement(null);
    copy.setMeta(null);
    copy.setText(null);
    FhirTerser terser = context.newTerser();
    for (DecimalType number : terser.getAllPopulatedChildElementsOfType(copy, DecimalType.class)) {
      number.setValue(BigDecimal.ZERO);
    }
    for (IntegerType number : terser.getAllPopulatedChildElementsOfType(copy, IntegerType.class)) {
      number.setValue(0);
    }
    for (BaseDateTimeType time :
        terser.getAllPopulatedChildElementsOfType(copy, BaseDateTimeType.class)) {
      time.setValue(SAME, time.getPrecision());
    }
    for (Identifier identifier :
        terser.getAllPopulatedChildElementsOfType(copy, Identifier.class)) {
      if (identifier.hasValue()) {
        identifier.setValue("x");
      }
    }
    for (Reference reference : terser.getAllPopulatedChildElementsOfType(copy, Reference.class)) {
      if (reference.hasReference()) {
        String type = reference.getReferenceElement().getResourceType();
        reference.setReference(type == null ? "x" : type + "/x");
      }
    }
    return context.newJsonParser().encodeResourceToString(copy);
  }
}
