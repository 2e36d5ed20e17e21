package no.homemonitoring.bridge;

import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Type;

/**
 * One component of a panel (systolic, diastolic, a device status bit).
 *
 * @param codings the component's codings (LOINC, SNOMED CT, MDC or a status code)
 * @param value its value (a Quantity in the canonical unit, or a CodeableConcept)
 */
public record Component(List<Coding> codings, Type value) {

  public Component {
    codings = List.copyOf(codings);
  }
}
