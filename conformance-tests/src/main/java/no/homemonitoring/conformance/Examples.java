package no.homemonitoring.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import no.homemonitoring.profiles.Profiles;
import no.homemonitoring.terminology.ClasspathFolder;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * The kit's example resources: one folder per profile ({@code examples/<profile id>/}), files named
 * {@code valid-<what>.json} or {@code invalid--<rule>--<what>.json}, where {@code <rule>} is the
 * constraint key (e.g. {@code hm-pat-2}) or the element (e.g. {@code Observation.device}) that
 * every error of that example must name.
 */
public final class Examples {

  public static final String FOLDER = "no/homemonitoring/conformance/examples/";

  /** One example resource and what validation must say about it. */
  public record Example(String profileUrl, String profileId, String fileName, String json) {

    public boolean expectedValid() {
      return fileName.startsWith("valid-");
    }

    /** The rule every error must name, for an invalid example. */
    public String expectedRule() {
      if (expectedValid()) {
        throw new IllegalStateException(fileName + " is a valid example");
      }
      String[] parts = fileName.split("--");
      if (parts.length != 3 || !parts[0].equals("invalid")) {
        throw new IllegalStateException(
            fileName + ": name an invalid example invalid--<rule>--<what>.json");
      }
      return parts[1];
    }

    public String name() {
      return profileId + "/" + fileName;
    }
  }

  private Examples() {}

  /** Every example of every profile, by profile then file name. */
  public static List<Example> all() {
    List<Example> examples = new ArrayList<>();
    ClassLoader loader = Examples.class.getClassLoader();
    for (StructureDefinition profile : Profiles.structureDefinitions()) {
      if ("Extension".equals(profile.getType())) {
        continue;
      }
      for (URL file : ClasspathFolder.list(loader, FOLDER + profile.getIdPart() + "/", ".json")) {
        String path = file.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        examples.add(new Example(profile.getUrl(), profile.getIdPart(), name, read(file)));
      }
    }
    return examples;
  }

  private static String read(URL url) {
    try (InputStream in = url.openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
