package no.homemonitoring.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new vendor is one ConceptMap file in the terminology folder, on any classpath entry. */
class DroppedInMapTest {

  private static final String ACME = "http://vendor.example/acme/measure";

  @TempDir Path extraClasspath;

  @Test
  void aConceptMapFileInTheFolderIsAllItTakes() throws Exception {
    Path folder = extraClasspath.resolve(Terminology.FOLDER);
    Files.createDirectories(folder);
    Files.writeString(
        folder.resolve("ConceptMap-acme-to-loinc.json"),
        """
        {
          "resourceType": "ConceptMap",
          "id": "acme-to-loinc",
          "url": "http://homemonitoring.no/fhir/ConceptMap/acme-to-loinc",
          "version": "1",
          "status": "draft",
          "group": [
            {
              "source": "%1$s",
              "target": "http://loinc.org",
              "element": [
                {"code": "BW", "target": [{"code": "29463-7", "equivalence": "equivalent"}]}
              ]
            },
            {
              "source": "%1$s",
              "target": "http://snomed.info/sct",
              "element": [
                {"code": "BW", "target": [{"code": "27113001", "equivalence": "equivalent"}]}
              ]
            },
            {
              "source": "%1$s",
              "target": "http://homemonitoring.no/fhir/CodeSystem/measurement",
              "element": [
                {"code": "BW", "target": [{"code": "body-weight", "equivalence": "equivalent"}]}
              ]
            }
          ]
        }
        """
            .formatted(ACME));

    try (URLClassLoader classLoader =
        new URLClassLoader(
            new URL[] {extraClasspath.toUri().toURL()}, getClass().getClassLoader())) {
      Terminology terminology = Terminology.load(classLoader);

      assertThat(terminology.codings(ACME, "BW"))
          .extracting(Coding::getCode)
          .containsExactly("29463-7", "27113001");
      assertThat(terminology.measurementOf(ACME, "BW").orElseThrow().canonicalUnit())
          .isEqualTo("kg");
      assertThat(terminology.resources().size())
          .isEqualTo(Terminology.bundled().resources().size() + 1);
    }
  }
}
