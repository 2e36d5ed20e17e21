package no.homemonitoring.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;

/** The snapshots the build publishes are complete, as readers and the IG tooling expect. */
class SnapshotTest {

  @Test
  void everySnapshotElementHasADefinitionAndCardinalities() {
    // sdf-3: each element definition in a snapshot must have a formal definition and cardinalities.
    for (StructureDefinition profile : Profiles.structureDefinitions()) {
      assertThat(profile.getSnapshot().getElement()).as(profile.getUrl()).isNotEmpty();
      for (ElementDefinition element : profile.getSnapshot().getElement()) {
        assertThat(element.hasDefinition() && element.hasMin() && element.hasMax())
            .as("%s %s", profile.getUrl(), element.getId())
            .isTrue();
      }
    }
  }

  @Test
  void inheritedElementsKeepTheBaseDocumentation() {
    StructureDefinition bloodPressure =
        Profiles.structureDefinitions().stream()
            .filter(p -> p.getUrl().equals(Profiles.BLOOD_PRESSURE))
            .findFirst()
            .orElseThrow();
    ElementDefinition status =
        bloodPressure.getSnapshot().getElement().stream()
            .filter(e -> e.getPath().equals("Observation.status"))
            .findFirst()
            .orElseThrow();
    assertThat(status.getComment()).isNotBlank();
  }
}
