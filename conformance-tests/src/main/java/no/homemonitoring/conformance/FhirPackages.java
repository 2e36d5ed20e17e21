package no.homemonitoring.conformance;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.npm.NpmPackage;

/**
 * FHIR packages read offline from a folder, the way a FHIR package cache holds them: either package
 * files ({@code <id>-<version>.tgz}, as in {@code ../shared/fhir-packages}) or unpacked cache
 * folders ({@code <id>#<version>/package/...}, as in {@code ~/.fhir/packages}). Nothing is fetched
 * from a registry, and dependencies are not followed.
 */
public final class FhirPackages {

  /** HL7 Norway's VKP Observation profiles. */
  public static final String VKP_OBSERVATION = "hl7.fhir.no.vkp.observation";

  /** The folder: system property {@code conformance.packages}, else env CONFORMANCE_PACKAGES. */
  public static Optional<Path> configuredFolder() {
    String value = System.getProperty("conformance.packages");
    if (value == null || value.isBlank()) {
      value = System.getenv("CONFORMANCE_PACKAGES");
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
  }

  /** How to provide the packages, for a message when they are missing. */
  public static String howToProvide() {
    return "Point -Dconformance.packages (or CONFORMANCE_PACKAGES) at a folder holding "
        + VKP_OBSERVATION
        + "-<version>.tgz or a FHIR package cache with "
        + VKP_OBSERVATION
        + "#<version>/package/ (e.g. ~/.fhir/packages).";
  }

  private FhirPackages() {}

  /** The package {@code id} in {@code folder}, newest version first; empty when it is not there. */
  public static Optional<NpmPackage> find(Path folder, String id) {
    if (!Files.isDirectory(folder)) {
      return Optional.empty();
    }
    try (Stream<Path> entries = Files.list(folder)) {
      List<Path> candidates =
          entries
              .filter(
                  p -> {
                    String name = p.getFileName().toString();
                    return (name.startsWith(id + "-") && name.endsWith(".tgz"))
                        || (name.startsWith(id + "#") && Files.isDirectory(p.resolve("package")));
                  })
              .sorted((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString()))
              .toList();
      if (candidates.isEmpty()) {
        return Optional.empty();
      }
      Path chosen = candidates.get(0);
      if (Files.isDirectory(chosen)) {
        return Optional.of(NpmPackage.fromFolder(chosen.toString()));
      }
      try (InputStream in = Files.newInputStream(chosen)) {
        return Optional.of(NpmPackage.fromPackage(in));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The StructureDefinitions, ValueSets and CodeSystems of a package, for a validator. */
  public static PrePopulatedValidationSupport validationSupport(NpmPackage... packages) {
    FhirContext context = FhirContext.forR4Cached();
    PrePopulatedValidationSupport support = new PrePopulatedValidationSupport(context);
    for (NpmPackage npm : packages) {
      NpmPackage.NpmPackageFolder folder = npm.getFolders().get("package");
      for (Map.Entry<String, byte[]> file : folder.getContent().entrySet()) {
        String name = file.getKey();
        if (!name.endsWith(".json") || name.equals("package.json") || name.startsWith(".")) {
          continue;
        }
        IBaseResource resource =
            context
                .newJsonParser()
                .parseResource(new String(file.getValue(), StandardCharsets.UTF_8));
        if (resource instanceof StructureDefinition
            || resource instanceof ValueSet
            || resource instanceof CodeSystem) {
          support.addResource(resource);
        }
      }
    }
    return support;
  }
}
