package no.homemonitoring.server.security;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;

/**
 * The patients a caller may reach, and why.
 *
 * @param patientIds the ids of the patients (without {@code Patient/})
 * @param grounds for each patient, the rules or resources that grant the access (for the audit
 *     trail and the access overview)
 * @param consents for a relative: the consents naming them, by patient id (active ones only; their
 *     period and provisions are checked per resource)
 * @param purposes for a specialist: the purpose of use they stated, by patient id, for patients
 *     reached through a stated purpose rather than a care relation
 * @param expires when part of this answer runs out (a stated purpose's end), or null
 */
public record AccessScope(
    Set<String> patientIds,
    Map<String, List<String>> grounds,
    Map<String, List<Consent>> consents,
    Map<String, Coding> purposes,
    Instant expires) {

  public static final AccessScope NONE =
      new AccessScope(Set.of(), Map.of(), Map.of(), Map.of(), null);

  /** All patients (a system client or no compartment restriction). */
  public static final AccessScope ALL = new AccessScope(null, Map.of(), Map.of(), Map.of(), null);

  public boolean unrestricted() {
    return patientIds == null;
  }
}
