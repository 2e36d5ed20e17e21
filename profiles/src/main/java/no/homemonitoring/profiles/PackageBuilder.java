package no.homemonitoring.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.parser.IParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import no.homemonitoring.terminology.Terminology;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.utilities.npm.NpmPackageIndexBuilder;

/**
 * Build step: generates the snapshots of the profiles from their differentials, writes them to the
 * classpath folder {@link Profiles#FOLDER}, and packs profiles and terminology as a FHIR NPM
 * package ({@code package/package.json}, {@code package/.index.json}, one JSON file per resource).
 *
 * <p>Arguments: differentials folder, classpath output folder, package file, package id, version.
 */
public final class PackageBuilder {

  private PackageBuilder() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 5) {
      throw new IllegalArgumentException(
          "usage: PackageBuilder <differentials> <classpath-folder> <package.tgz> <id> <version>");
    }
    Path sources = Path.of(args[0]);
    Path classpathFolder = Path.of(args[1]);
    Path packageFile = Path.of(args[2]);
    List<StructureDefinition> snapshots = withSnapshots(readDifferentials(sources));

    FhirContext context = FhirContext.forR4Cached();
    IParser parser = context.newJsonParser().setPrettyPrint(true);
    Files.createDirectories(classpathFolder);
    Map<String, byte[]> files = new TreeMap<>();
    for (StructureDefinition definition : snapshots) {
      files.put(
          "StructureDefinition-" + definition.getIdPart() + ".json",
          parser.encodeResourceToString(definition).getBytes(StandardCharsets.UTF_8));
    }
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Files.write(classpathFolder.resolve(file.getKey()), file.getValue());
    }
    Files.writeString(
        classpathFolder.resolve(Profiles.INDEX), String.join("\n", files.keySet()) + "\n");

    for (MetadataResource resource : Terminology.bundled().resources()) {
      files.put(
          resource.fhirType() + "-" + resource.getIdPart() + ".json",
          parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8));
    }
    byte[] tgz = npmPackage(files, args[3], args[4]);
    Files.createDirectories(packageFile.toAbsolutePath().getParent());
    Files.write(packageFile, tgz);
    Files.write(classpathFolder.resolve("package.tgz"), tgz);
    System.out.printf(
        "FHIR package %s#%s: %d profiles, %d resources in all -> %s%n",
        args[3], args[4], snapshots.size(), files.size(), packageFile);
  }

  static List<StructureDefinition> readDifferentials(Path folder) throws IOException {
    IParser parser = FhirContext.forR4Cached().newJsonParser();
    try (Stream<Path> entries = Files.list(folder)) {
      List<StructureDefinition> result = new ArrayList<>();
      for (Path file :
          entries
              .filter(p -> p.getFileName().toString().startsWith("StructureDefinition-"))
              .sorted()
              .toList()) {
        StructureDefinition definition =
            parser.parseResource(StructureDefinition.class, Files.readString(file));
        String expected = "StructureDefinition-" + definition.getIdPart() + ".json";
        if (!file.getFileName().toString().equals(expected)) {
          throw new IllegalStateException(
              file + " holds " + definition.getUrl() + "; name it " + expected);
        }
        result.add(definition);
      }
      return result;
    }
  }

  /**
   * Snapshots for every differential: extensions first, since profiles refer to them. Fails when a
   * differential names an element the snapshot does not have (a misspelt path would otherwise be
   * dropped silently).
   */
  static List<StructureDefinition> withSnapshots(List<StructureDefinition> differentials) {
    List<StructureDefinition> ordered =
        differentials.stream()
            .sorted(
                Comparator.comparing((StructureDefinition d) -> !"Extension".equals(d.getType())))
            .toList();
    Map<String, StructureDefinition> done = new LinkedHashMap<>();
    for (StructureDefinition differential : ordered) {
      List<StructureDefinition> known = new ArrayList<>(done.values());
      known.add(differential);
      // HAPI's full core definitions: a published snapshot carries the base elements'
      // definitions and comments (and must, by sdf-3), which the validator's slim copy drops.
      ProfileValidator validator =
          ProfileValidator.create(known, Terminology.bundled().resources(), List.of(), null, true);
      IValidationSupport chain = validator.validationSupport();
      StructureDefinition copy = differential.copy();
      copy.setSnapshot(null);
      StructureDefinition generated =
          (StructureDefinition)
              chain.generateSnapshot(
                  new ValidationSupportContext(chain), copy, copy.getUrl(), null, copy.getName());
      if (generated == null
          || !generated.hasSnapshot()
          || generated.getSnapshot().getElement().isEmpty()) {
        throw new IllegalStateException("No snapshot generated for " + differential.getUrl());
      }
      Set<String> snapshotIds =
          generated.getSnapshot().getElement().stream()
              .map(ElementDefinition::getId)
              .collect(Collectors.toSet());
      List<String> missing =
          differential.getDifferential().getElement().stream()
              .map(ElementDefinition::getId)
              .filter(id -> !snapshotIds.contains(id))
              .toList();
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            differential.getUrl() + ": the snapshot lacks differential elements " + missing);
      }
      // The differential stays as written; only the snapshot is added.
      StructureDefinition result = differential.copy();
      result.setSnapshot(generated.getSnapshot());
      done.put(result.getUrl(), result);
    }
    return differentials.stream().map(d -> done.get(d.getUrl())).toList();
  }

  static byte[] npmPackage(Map<String, byte[]> files, String id, String version)
      throws IOException {
    String packageJson =
        """
        {
          "name": "%s",
          "version": "%s",
          "type": "fhir.ig",
          "title": "Home monitoring profiles and terminology",
          "description": "Profiles, code systems, value sets and concept maps of the home-monitoring FHIR server for Norwegian municipal home care.",
          "canonical": "%s",
          "fhirVersions": ["4.0.1"],
          "dependencies": { "hl7.fhir.r4.core": "4.0.1" },
          "author": "Home monitoring FHIR server project",
          "license": "CC0-1.0"
        }
        """
            .formatted(id, version, Terminology.BASE);
    NpmPackageIndexBuilder index = new NpmPackageIndexBuilder();
    index.start(null);
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      index.seeFile(file.getKey(), file.getValue());
    }
    Map<String, byte[]> entries = new TreeMap<>();
    entries.put("package/package.json", packageJson.getBytes(StandardCharsets.UTF_8));
    entries.put("package/.index.json", index.build().getBytes(StandardCharsets.UTF_8));
    files.forEach((name, bytes) -> entries.put("package/" + name, bytes));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gzip = new GZIPOutputStream(bytes);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        TarArchiveEntry tarEntry = new TarArchiveEntry(entry.getKey());
        tarEntry.setSize(entry.getValue().length);
        tarEntry.setModTime(0); // reproducible: the same input gives the same package
        tar.putArchiveEntry(tarEntry);
        tar.write(entry.getValue());
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }
}
