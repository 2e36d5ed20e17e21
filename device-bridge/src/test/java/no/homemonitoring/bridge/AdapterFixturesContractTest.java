package no.homemonitoring.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import no.homemonitoring.bridge.fhir.ObservationFactory;
import no.homemonitoring.bridge.gatt.GattAdapter;
import no.homemonitoring.bridge.openmhealth.OpenMHealthAdapter;
import no.homemonitoring.bridge.withings.WithingsApiException;
import no.homemonitoring.bridge.withings.WithingsMeasureMapper;
import no.homemonitoring.profiles.ProfileValidator;
import no.homemonitoring.profiles.Profiles;
import no.homemonitoring.terminology.Terminology;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every adapter over every fixture of its format: each reading becomes an Observation that our
 * profiles accept without an error. A fixture dropped into a format's test resource folder is
 * picked up without touching this test.
 */
class AdapterFixturesContractTest {

  /** A synthetic patient: the test fødselsnummer of the formats reference, never a real one. */
  private static final BoundPatient PATIENT =
      new BoundPatient("p1", "urn:oid:2.16.578.1.12.4.1.4.1", "15835010187", "Test Person");

  private static final String DEVICE_ID = "dev-1";

  /** The Withings user the fixtures' pages are pulled for. */
  private static final String WITHINGS_USER = "38271234";

  /** The gateway's clock for every GATT fixture: shortly after all of their device times. */
  private static final String GATT_RECEIVED_AT = "2025-01-06T08:00:00Z";

  /** After every Open mHealth fixture's time, within a day of all of them. */
  private static final Instant RECEIVED_AT = Instant.parse("2025-01-07T08:00:00Z");

  /**
   * Fixtures that must be refused as a whole (formats reference §11): the Withings error envelope
   * and the Open mHealth data point without an offset. Every other fixture must decode.
   */
  private static final Set<String> REFUSED =
      Set.of("withings-getmeas-error.json", "openmhealth-blood-pressure-no-offset.json");

  /**
   * Measurements the project has no profile of its own for: they are held to the core vital-signs
   * profile instead.
   */
  private static final Map<String, String> CORE_PROFILES =
      Map.of(
          "body-height", "http://hl7.org/fhir/StructureDefinition/bodyheight",
          "bmi", "http://hl7.org/fhir/StructureDefinition/bmi");

  /** The GATT characteristic of a fixture, by the start of its file name. */
  private static final Map<String, String> GATT_CHARACTERISTICS =
      Map.of(
          "gatt-bp-", "2A35",
          "gatt-weight-", "2A9D",
          "gatt-plx-spotcheck", "2A5E",
          "gatt-plx-continuous", "2A5F");

  /** Slow to build (seconds): one for all cases. */
  private static ProfileValidator validator;

  @BeforeAll
  static void createValidator() {
    validator = ProfileValidator.create();
  }

  /**
   * A format's fixtures and how to decode one.
   *
   * @param folder the fixtures' classpath folder
   * @param extension the fixture files' extension (other files there are not measurement payloads)
   * @param decode decodes a fixture's bytes, given its file name
   */
  private record Format(
      String name,
      String folder,
      String extension,
      BiFunction<byte[], String, List<Decoded>> decode) {}

  private static List<Format> formats() {
    GattAdapter gatt = new GattAdapter();
    OpenMHealthAdapter openMHealth = new OpenMHealthAdapter();
    WithingsMeasureMapper withings =
        new WithingsMeasureMapper(new MeasurementRules(Terminology.bundled()));
    return List.of(
        new Format(
            gatt.format(),
            "no/homemonitoring/bridge/gatt",
            ".hex",
            (fixture, file) -> gatt.decode(gattEnvelope(fixture, file), RECEIVED_AT)),
        new Format(
            openMHealth.format(),
            "no/homemonitoring/bridge/openmhealth",
            ".json",
            (fixture, file) -> openMHealth.decode(fixture, RECEIVED_AT)),
        new Format(
            WithingsMeasureMapper.FORMAT,
            "no/homemonitoring/bridge/withings",
            ".json",
            (fixture, file) -> withings.decode(fixture, WITHINGS_USER)));
  }

  @TestFactory
  Stream<DynamicNode> everyReadingOfEveryFixtureIsAValidObservation() {
    return formats().stream()
        .map(
            format ->
                DynamicContainer.dynamicContainer(
                    format.name(),
                    fixtures(format).stream()
                        .map(
                            fixture ->
                                DynamicTest.dynamicTest(
                                    format.name() + " × " + fixture.getFileName(),
                                    () -> check(format, fixture)))));
  }

  @TestFactory
  Stream<DynamicTest> everyFormatHasFixtures() {
    return formats().stream()
        .map(
            format ->
                DynamicTest.dynamicTest(
                    format.name(),
                    () ->
                        assertThat(fixtures(format))
                            .as("fixtures in " + format.folder())
                            .isNotEmpty()));
  }

  private static void check(Format format, Path fixture) throws IOException {
    String file = fixture.getFileName().toString();
    byte[] payload = Files.readAllBytes(fixture);
    if (REFUSED.contains(file)) {
      assertThatThrownBy(() -> format.decode().apply(payload, file))
          .isInstanceOfAny(PayloadException.class, WithingsApiException.class);
      return;
    }
    List<Decoded> outcomes = format.decode().apply(payload, file);
    assertThat(outcomes).as("outcomes of " + file).isNotEmpty();
    List<String> errors = new ArrayList<>();
    for (Decoded outcome : outcomes) {
      if (outcome instanceof Reading reading) {
        errors.addAll(validationErrors(reading));
      }
    }
    assertThat(errors).as("validation errors of the readings of " + file).isEmpty();
  }

  private static List<String> validationErrors(Reading reading) {
    Observation observation = ObservationFactory.observation(reading, PATIENT, DEVICE_ID);
    Optional<String> profile =
        Profiles.profileFor(observation)
            .or(() -> Optional.ofNullable(CORE_PROFILES.get(reading.concept())));
    if (profile.isEmpty()) {
      return List.of(reading.identity() + ": no profile for the concept " + reading.concept());
    }
    ValidationResult result = validator.validate(observation, profile.get());
    return result.getMessages().stream()
        .filter(message -> message.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
        .map(
            message ->
                "%s (%s): %s: %s"
                    .formatted(
                        reading.identity(),
                        profile.get(),
                        message.getLocationString(),
                        message.getMessage()))
        .toList();
  }

  private static List<Path> fixtures(Format format) {
    URL folder = AdapterFixturesContractTest.class.getClassLoader().getResource(format.folder());
    if (folder == null) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
      return files
          .filter(path -> path.getFileName().toString().endsWith(format.extension()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The §3.1 envelope of a GATT fixture, the characteristic named by the start of its file name,
   * the device by the §11 test bindings (01 BP monitor, 02 scale, 03 oximeter, 04 scale with BMI).
   */
  private static byte[] gattEnvelope(byte[] fixture, String file) {
    String characteristic =
        GATT_CHARACTERISTICS.entrySet().stream()
            .filter(entry -> file.startsWith(entry.getKey()))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError(
                        file + ": name a GATT fixture gatt-bp-, gatt-weight- or gatt-plx-…"));
    int device =
        switch (characteristic) {
          case "2A35" -> 1;
          case "2A9D" -> file.contains("bmi") ? 4 : 2;
          default -> 3;
        };
    String envelope =
        """
        {"gatewayId": "gw-0001", "deviceAddress": "C0:26:DA:00:00:%02d",
         "systemId": "C026DAFFFE0000%02d", "characteristicUuid": "%s",
         "receivedAt": "%s", "gatewayZone": "Europe/Oslo", "bytesHex": "%s"}
        """
            .formatted(
                device,
                device,
                characteristic,
                GATT_RECEIVED_AT,
                new String(fixture, StandardCharsets.US_ASCII).strip());
    return envelope.getBytes(StandardCharsets.UTF_8);
  }
}
