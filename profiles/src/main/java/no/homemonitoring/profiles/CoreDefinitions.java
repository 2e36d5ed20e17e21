package no.homemonitoring.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * The FHIR R4 core definitions as the validator and the server need them: HAPI's core search
 * parameters as they are, its core code systems and value sets held compressed until one is fetched
 * ({@link CoreTerminology}), and the core StructureDefinitions from the files HAPI's {@link
 * DefaultProfileValidationSupport} reads, without the documentation no program looks at
 * (definitions, comments, requirements, aliases, mappings, descriptions).
 *
 * <p>HAPI's validator converts every StructureDefinition it is given to R5 and keeps both copies.
 * Measured on this project's validator after validating every example: 208 MiB of heap retained
 * with HAPI's full definitions, 181 MiB without the texts. Everything the validator judges by
 * (cardinalities, types, bindings, constraints with their FHIRPath and human-readable text,
 * slicing, fixed values and patterns, short descriptions) is kept, and {@code
 * ReusingInstanceValidatorTest} checks that every example gets exactly the messages it gets with
 * HAPI's full definitions.
 *
 * <p>One instance can serve a whole server: the server hands the same one to HAPI's JPA support
 * chain (whose search-parameter extractor builds a FHIRPath engine over all StructureDefinitions at
 * start) in place of HAPI's own {@link DefaultProfileValidationSupport}, so the core definitions
 * are read once and held once.
 */
public final class CoreDefinitions implements IValidationSupport {

  /** The bundles {@link DefaultProfileValidationSupport} loads for R4, in its order. */
  static final List<String> BUNDLES =
      List.of(
          "/org/hl7/fhir/r4/model/profile/profiles-resources.xml",
          "/org/hl7/fhir/r4/model/profile/profiles-types.xml",
          "/org/hl7/fhir/r4/model/profile/profiles-others.xml",
          "/org/hl7/fhir/r4/model/extension/extension-definitions.xml");

  private final PrePopulatedValidationSupport structureDefinitions;
  private final CoreTerminology terminology;
  private final DefaultProfileValidationSupport hapi;

  private CoreDefinitions(
      PrePopulatedValidationSupport structureDefinitions,
      CoreTerminology terminology,
      DefaultProfileValidationSupport hapi) {
    this.structureDefinitions = structureDefinitions;
    this.terminology = terminology;
    this.hapi = hapi;
  }

  /** Reads the core StructureDefinitions now; the code systems and value sets load on demand. */
  public static CoreDefinitions load(FhirContext context) {
    return new CoreDefinitions(
        structureDefinitions(context),
        new CoreTerminology(context),
        new DefaultProfileValidationSupport(context));
  }

  @Override
  public FhirContext getFhirContext() {
    return hapi.getFhirContext();
  }

  @Override
  public String getName() {
    return "R4 core definitions (StructureDefinitions without documentation)";
  }

  @Override
  public IBaseResource fetchStructureDefinition(String url) {
    return structureDefinitions.fetchStructureDefinition(url);
  }

  @Override
  public <T extends IBaseResource> List<T> fetchAllStructureDefinitions() {
    return structureDefinitions.fetchAllStructureDefinitions();
  }

  @Override
  public <T extends IBaseResource> List<T> fetchAllNonBaseStructureDefinitions() {
    return structureDefinitions.fetchAllNonBaseStructureDefinitions();
  }

  /**
   * The StructureDefinitions only: HAPI's version would also load every core code system and value
   * set, which are fetched one by one when needed.
   */
  @Override
  public List<IBaseResource> fetchAllConformanceResources() {
    return structureDefinitions.fetchAllConformanceResources();
  }

  /** HAPI's core code systems, held compressed ({@link CoreTerminology}). */
  @Override
  public IBaseResource fetchCodeSystem(String system) {
    return terminology.fetchCodeSystem(system);
  }

  /** HAPI's core value sets, held compressed ({@link CoreTerminology}). */
  @Override
  public IBaseResource fetchValueSet(String url) {
    return terminology.fetchValueSet(url);
  }

  @Override
  public <T extends IBaseResource> List<T> fetchAllSearchParameters() {
    return hapi.fetchAllSearchParameters();
  }

  /** The core StructureDefinitions without their documentation. */
  static PrePopulatedValidationSupport structureDefinitions(FhirContext context) {
    PrePopulatedValidationSupport support = new PrePopulatedValidationSupport(context);
    for (String bundle : BUNDLES) {
      for (Bundle.BundleEntryComponent entry : read(context, bundle).getEntry()) {
        if (entry.getResource() instanceof StructureDefinition definition) {
          support.addStructureDefinition(slim(definition));
        }
      }
    }
    return support;
  }

  /**
   * Removes what only a human reader uses, and the differential of a definition that has a snapshot
   * (instances are validated against snapshots, and a profile's snapshot is built from its base's
   * snapshot; about 22 MiB of heap over the R4 and R5 copies); returns the same object.
   */
  static StructureDefinition slim(StructureDefinition definition) {
    definition.setText(null);
    definition.setDescription(null);
    definition.setPurpose(null);
    definition.setCopyright(null);
    definition.getContact().clear();
    definition.getMapping().clear();
    if (definition.hasSnapshot()) {
      definition.getSnapshot().getElement().forEach(CoreDefinitions::slim);
      definition.setDifferential(null);
    }
    if (definition.hasDifferential()) {
      definition.getDifferential().getElement().forEach(CoreDefinitions::slim);
    }
    return definition;
  }

  private static void slim(ElementDefinition element) {
    element.setDefinition(null);
    element.setComment(null);
    element.setRequirements(null);
    element.getAlias().clear();
    element.getMapping().clear();
    if (element.hasBinding()) {
      element.getBinding().setDescription(null);
    }
    // The validator evaluates the FHIRPath expression; the XPath twin is for schematron.
    element.getConstraint().forEach(constraint -> constraint.setXpath(null));
  }

  private static Bundle read(FhirContext context, String path) {
    try (InputStream in = CoreDefinitions.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is not on the classpath");
      }
      Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
      return context.newXmlParser().parseResource(Bundle.class, reader);
    } catch (IOException e) {
      throw new UncheckedIOException(path, e);
    }
  }
}
