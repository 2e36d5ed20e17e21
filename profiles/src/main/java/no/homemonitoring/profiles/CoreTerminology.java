package no.homemonitoring.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * The R4 core code systems and value sets HAPI ships (the FHIR, v2 and v3 ones), served as HAPI's
 * {@code DefaultProfileValidationSupport} serves them, but held compressed and parsed only when one
 * is fetched.
 *
 * <p>HAPI reads all three files at the first code it checks and keeps some 2 400 parsed resources
 * for the life of the process: about 39 MiB of heap, measured on the server after a load. A
 * validation needs a few dozen of them, and the support chains in front of this class keep what
 * they fetch. Here the first fetch reads the files once and keeps each resource as deflated JSON (a
 * few MiB in all); every fetch returns a new copy.
 *
 * <p>Same answers as HAPI's: a later file's resource replaces an earlier one with the same URL, and
 * a {@code url|version} lookup checks the version except for HL7's own code systems.
 */
final class CoreTerminology {

  /** The files {@code DefaultProfileValidationSupport} reads for R4, in its order. */
  static final List<String> FILES =
      List.of(
          "/org/hl7/fhir/r4/model/valueset/valuesets.xml",
          "/org/hl7/fhir/r4/model/valueset/v2-tables.xml",
          "/org/hl7/fhir/r4/model/valueset/v3-codesystems.xml");

  /** HAPI's own code system for storage response codes, which it adds to the others. */
  static final String HAPI_STORAGE_CODES =
      "/ca/uhn/fhir/context/support/HapiFhirStorageResponseCode.json";

  private final FhirContext context;
  private volatile Packed packed;

  CoreTerminology(FhirContext context) {
    this.context = context;
  }

  IBaseResource fetchCodeSystem(String system) {
    return fetch(system, true);
  }

  IBaseResource fetchValueSet(String url) {
    return fetch(url, false);
  }

  /** How many code systems and value sets are held; reads the files if not done yet. */
  int size() {
    Packed all = packed();
    return all.codeSystems().size() + all.valueSets().size();
  }

  private IBaseResource fetch(String canonical, boolean codeSystem) {
    if (canonical == null) {
      return null;
    }
    String url = canonical;
    String version = null;
    int pipe = canonical.indexOf('|');
    if (pipe > 0) {
      url = canonical.substring(0, pipe);
      version = canonical.substring(pipe + 1);
    }
    Packed all = packed();
    Entry entry = (codeSystem ? all.codeSystems() : all.valueSets()).get(url);
    if (entry == null) {
      return null;
    }
    MetadataResource resource = (MetadataResource) parser().parseResource(inflate(entry.json()));
    // JSON keeps the id without the base URL the bundle gave it; HAPI's copy has that.
    resource.setId(entry.id());
    if (version != null
        && !version.isBlank()
        && !url.startsWith("http://hl7.org")
        && !url.startsWith("http://terminology.hl7.org")
        && !version.equals(resource.getVersion())) {
      return null;
    }
    return resource;
  }

  private Packed packed() {
    Packed all = packed;
    if (all == null) {
      synchronized (this) {
        all = packed;
        if (all == null) {
          all = read();
          packed = all;
        }
      }
    }
    return all;
  }

  private Packed read() {
    Map<String, Entry> codeSystems = new HashMap<>();
    Map<String, Entry> valueSets = new HashMap<>();
    IParser xml = context.newXmlParser().setParserErrorHandler(new LenientErrorHandler(false));
    IParser json = parser();
    for (String file : FILES) {
      for (Bundle.BundleEntryComponent entry : readBundle(xml, file).getEntry()) {
        if (entry.getResource() instanceof CodeSystem codeSystem && codeSystem.hasUrl()) {
          codeSystems.put(codeSystem.getUrl(), Entry.of(codeSystem, json));
        } else if (entry.getResource() instanceof ValueSet valueSet && valueSet.hasUrl()) {
          valueSets.put(valueSet.getUrl(), Entry.of(valueSet, json));
        }
      }
    }
    CodeSystem storageCodes = (CodeSystem) json.parseResource(readText(HAPI_STORAGE_CODES));
    codeSystems.put(storageCodes.getUrl(), Entry.of(storageCodes, json));
    return new Packed(Map.copyOf(codeSystems), Map.copyOf(valueSets));
  }

  private IParser parser() {
    return context.newJsonParser().setParserErrorHandler(new LenientErrorHandler(false));
  }

  private static Bundle readBundle(IParser xml, String path) {
    try (InputStream in = open(path)) {
      Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
      return xml.parseResource(Bundle.class, reader);
    } catch (IOException e) {
      throw new UncheckedIOException(path, e);
    }
  }

  private static String readText(String path) {
    try (InputStream in = open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(path, e);
    }
  }

  private static InputStream open(String path) {
    InputStream in = CoreTerminology.class.getResourceAsStream(path);
    if (in == null) {
      throw new IllegalStateException(path + " is not on the classpath");
    }
    return in;
  }

  private static byte[] deflate(String text) {
    Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    try {
      deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() / 4);
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static String inflate(byte[] data) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(data);
      ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 4);
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && inflater.needsInput()) {
          throw new IllegalStateException("truncated core terminology entry");
        }
        out.write(buffer, 0, n);
      }
      return out.toString(StandardCharsets.UTF_8);
    } catch (DataFormatException e) {
      throw new IllegalStateException("corrupt core terminology entry", e);
    } finally {
      inflater.end();
    }
  }

  private record Packed(Map<String, Entry> codeSystems, Map<String, Entry> valueSets) {}

  /** One resource: its id as read, and its JSON, deflated. */
  private record Entry(String id, byte[] json) {

    static Entry of(MetadataResource resource, IParser json) {
      return new Entry(
          resource.getIdElement().getValue(), deflate(json.encodeResourceToString(resource)));
    }
  }
}
