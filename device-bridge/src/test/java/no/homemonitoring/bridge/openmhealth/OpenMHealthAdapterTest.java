package no.homemonitoring.bridge.openmhealth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Consumer;
import no.homemonitoring.bridge.Component;
import no.homemonitoring.bridge.Decoded;
import no.homemonitoring.bridge.Origin;
import no.homemonitoring.bridge.PayloadException;
import no.homemonitoring.bridge.Reading;
import no.homemonitoring.bridge.SubjectKey;
import no.homemonitoring.bridge.TimeQuality;
import no.homemonitoring.terminology.Terminology;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OpenMHealthAdapterTest {

  /** The Open mHealth user of the examples (bound to the test patient P1). */
  private static final String USER = "pas-000042";

  /** After every example's time, within a day of all of them. */
  private static final Instant RECEIVED_AT = Instant.parse("2025-01-07T08:00:00Z");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final OpenMHealthAdapter adapter = new OpenMHealthAdapter();

  /** §11: each Open mHealth example file gives its listed result. */
  @Nested
  class Examples {

    @Test
    void bloodPressureIsAPanelAtItsOwnOffsetWithTheArmAsBodySite() {
      Reading panel = single(example("openmhealth-blood-pressure.json"));

      assertThat(panel.concept()).isEqualTo("bp-panel");
      assertThat(panel.format()).isEqualTo("openmhealth");
      assertThat(panel.identity()).isEqualTo("omh-7f6e2c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b");
      assertThat(panel.subject()).isEqualTo(SubjectKey.vendorUser(USER));
      assertThat(codes(panel.codings()))
          .containsExactly("http://loinc.org|85354-9", "http://snomed.info/sct|75367002");
      assertThat(panel.value()).isNull();
      assertThat(panel.components()).hasSize(2);
      Component systolic = panel.components().get(0);
      assertThat(codes(systolic.codings()))
          .containsExactly("http://loinc.org|8480-6", "http://snomed.info/sct|271649006");
      assertQuantity((Quantity) systolic.value(), "138", "mm[Hg]");
      Component diastolic = panel.components().get(1);
      assertThat(codes(diastolic.codings()))
          .containsExactly("http://loinc.org|8462-4", "http://snomed.info/sct|271650006");
      assertQuantity((Quantity) diastolic.value(), "84", "mm[Hg]");
      assertThat(rendered(panel)).isEqualTo("2025-01-06T08:05:12+01:00");
      assertThat(panel.effectiveEnd()).isNull();
      assertThat(panel.timeQuality()).isEqualTo(TimeQuality.SOURCE_INSTANT);
      assertThat(panel.origin()).isEqualTo(Origin.DEVICE);
      assertThat(panel.flags()).isEmpty();
      assertThat(panel.bodySite().getSystem()).isEqualTo(Terminology.SNOMED_CT);
      assertThat(panel.bodySite().getCode()).isEqualTo("368208006");
      assertThat(panel.device().model())
          .as("the provenance is kept; nothing is merged with the Withings reading it names")
          .isEqualTo("Withings Public API");
    }

    @Test
    void bodyWeightInKilogramsKeepsItsPrecision() {
      Reading weight = single(example("openmhealth-body-weight.json"));

      assertThat(weight.concept()).isEqualTo("body-weight");
      assertQuantity(weight.value(), "82.35", "kg");
      assertThat(codes(weight.codings()))
          .containsExactly("http://loinc.org|29463-7", "http://snomed.info/sct|27113001");
      assertThat(rendered(weight)).isEqualTo("2025-01-06T07:31:40+01:00");
      assertThat(weight.origin()).isEqualTo(Origin.DEVICE);
      assertThat(weight.identity()).isEqualTo("omh-8a7f3d2b-4c5e-4f60-9b0c-1d2e3f4a5b6c");
    }

    @Test
    void oxygenSaturationOnRoomAirCarriesBothLoincCodes() {
      Reading spo2 = single(example("openmhealth-oxygen-saturation.json"));

      assertThat(spo2.concept()).isEqualTo("spo2");
      assertQuantity(spo2.value(), "96", "%");
      assertThat(codes(spo2.codings()))
          .containsExactlyInAnyOrder(
              "http://loinc.org|59408-5",
              "http://loinc.org|2708-6",
              "http://snomed.info/sct|431314004");
      assertThat(rendered(spo2)).isEqualTo("2025-01-06T08:10:03+01:00");
      assertThat(spo2.subject()).isEqualTo(SubjectKey.vendorUser(USER));
    }

    @Test
    void poundsAreConvertedToKilogramsAndASelfReportedWeightIsManual() {
      Reading weight = single(example("openmhealth-body-weight-lb.json"));

      // 181.6 lb × 0.45359237 = 82.37237... kg, half-up to 3 decimals.
      assertQuantity(weight.value(), "82.372", "kg");
      assertThat(weight.origin()).isEqualTo(Origin.MANUAL);
      assertThat(rendered(weight)).isEqualTo("2025-01-07T07:45:00+01:00");
      assertThat(weight.timeQuality()).isEqualTo(TimeQuality.SOURCE_INSTANT);
    }

    @Test
    void aSingleDataPointWithoutAnOffsetIsUnprocessable() {
      assertUnprocessable(example("openmhealth-blood-pressure-no-offset.json"), "offset");
    }

    @Test
    void inAnArrayOnlyTheElementWithoutAnOffsetIsRejected() {
      ArrayNode array = JSON.createArrayNode();
      array.add(tree("openmhealth-blood-pressure.json"));
      array.add(tree("openmhealth-blood-pressure-no-offset.json"));
      array.add(tree("openmhealth-body-weight.json"));

      List<Decoded> outcomes = adapter.decode(bytes(array), RECEIVED_AT);

      assertThat(outcomes).hasSize(3);
      assertThat(outcomes.get(0)).isInstanceOf(Reading.class);
      assertThat(outcomes.get(1))
          .isInstanceOfSatisfying(
              Decoded.Rejected.class,
              rejected -> {
                assertThat(rejected.identity())
                    .isEqualTo("omh-fa34e7d2-b08b-4224-8351-00963fef9f8b");
                assertThat(rejected.reason()).startsWith("time-without-offset");
              });
      assertThat(outcomes.get(2)).isInstanceOf(Reading.class);
      assertThat(outcomes.get(2).concept()).isEqualTo("body-weight");
    }
  }

  /** §4 and §8: what a data point must have, each missing piece a 422 for a single point. */
  @Nested
  class Refusals {

    @Test
    void anUnsupportedSchemaIsUnprocessable() {
      assertUnprocessable(
          changed(
              "openmhealth-blood-pressure.json",
              point -> schema(point).put("name", "heart-rate").put("version", "2.0")),
          "unsupported-schema");
    }

    @ParameterizedTest
    @CsvSource({"blood-pressure, 3.0", "body-weight, 1.0", "oxygen-saturation, 1.0"})
    void anUnsupportedVersionIsUnprocessable(String name, String version) {
      String file =
          switch (name) {
            case "blood-pressure" -> "openmhealth-blood-pressure.json";
            case "body-weight" -> "openmhealth-body-weight.json";
            default -> "openmhealth-oxygen-saturation.json";
          };

      assertUnprocessable(
          changed(file, point -> schema(point).put("version", version)), "unsupported-schema");
    }

    @Test
    void anotherNamespaceIsUnprocessable() {
      assertUnprocessable(
          changed(
              "openmhealth-body-weight.json", point -> schema(point).put("namespace", "granola")),
          "unsupported-schema");
    }

    @Test
    void aNewerMinorVersionIsAccepted() {
      Reading weight =
          single(
              changed(
                  "openmhealth-body-weight.json", point -> schema(point).put("version", "2.1")));

      assertQuantity(weight.value(), "82.35", "kg");
    }

    @Test
    void aMissingUserIsUnprocessable() {
      assertUnprocessable(
          changed("openmhealth-body-weight.json", point -> header(point).remove("user_id")),
          "missing-user");
    }

    @Test
    void aMissingHeaderIdIsUnprocessable() {
      assertUnprocessable(
          changed("openmhealth-body-weight.json", point -> header(point).remove("id")),
          "missing-field");
    }

    @ParameterizedTest
    @ValueSource(strings = {"systolic_blood_pressure", "diastolic_blood_pressure"})
    void aMissingPressureIsUnprocessable(String field) {
      assertUnprocessable(
          changed("openmhealth-blood-pressure.json", point -> body(point).remove(field)),
          "missing-field");
    }

    @Test
    void aValueThatIsNoNumberIsUnprocessable() {
      assertUnprocessable(
          changed(
              "openmhealth-body-weight.json",
              point -> ((ObjectNode) body(point).get("body_weight")).put("value", "82.35")),
          "missing-field");
    }

    @Test
    void aMissingTimeFrameIsUnprocessable() {
      assertUnprocessable(
          changed(
              "openmhealth-body-weight.json", point -> body(point).remove("effective_time_frame")),
          "missing-field");
    }

    @ParameterizedTest
    @CsvSource({
      "openmhealth-blood-pressure.json, systolic_blood_pressure, kPa",
      "openmhealth-body-weight.json, body_weight, stone",
      "openmhealth-body-weight.json, body_weight, %",
      "openmhealth-oxygen-saturation.json, oxygen_saturation, L/min",
    })
    void aWrongUnitIsUnprocessable(String file, String field, String unit) {
      assertUnprocessable(
          changed(file, point -> ((ObjectNode) body(point).get(field)).put("unit", unit)),
          "wrong-unit");
    }

    @Test
    void aTimeMoreThanADayAheadIsUnprocessable() {
      assertUnprocessable(
          changed(
              "openmhealth-body-weight.json",
              point -> timeFrame(point).put("date_time", "2025-01-08T09:00:01+01:00")),
          "time-in-future");
    }

    @Test
    void aTimeUpToADayAheadIsAccepted() {
      Reading weight =
          single(
              changed(
                  "openmhealth-body-weight.json",
                  point -> timeFrame(point).put("date_time", "2025-01-08T09:00:00+01:00")));

      assertThat(rendered(weight)).isEqualTo("2025-01-08T09:00:00+01:00");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "\"a string\"", "42"})
    void aBodyThatIsNoDataPointIsABadRequest(String body) {
      assertThatThrownBy(() -> adapter.decode(body.getBytes(StandardCharsets.UTF_8), RECEIVED_AT))
          .isInstanceOfSatisfying(
              PayloadException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
  }

  /** §4 and §10: optional fields, arrays and plausibility. */
  @Nested
  class Rules {

    @Test
    void aTimeIntervalBecomesAStartAndAnEnd() {
      Reading weight =
          single(
              changed(
                  "openmhealth-body-weight.json",
                  point -> {
                    ObjectNode frame = timeFrame(point);
                    frame.remove("date_time");
                    frame
                        .putObject("time_interval")
                        .put("start_date_time", "2025-01-06T07:00:00+01:00")
                        .put("end_date_time", "2025-01-06T07:30:00+01:00");
                  }));

      assertThat(rendered(weight)).isEqualTo("2025-01-06T07:00:00+01:00");
      assertThat(weight.effectiveEnd().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
          .isEqualTo("2025-01-06T07:30:00+01:00");
    }

    @Test
    void aDescriptiveStatisticIsADeviceAggregate() {
      Reading panel =
          single(
              changed(
                  "openmhealth-blood-pressure.json",
                  point -> body(point).put("descriptive_statistic", "average")));

      assertThat(panel.origin()).isEqualTo(Origin.DEVICE_AGGREGATE);
    }

    @ParameterizedTest
    @CsvSource({
      "left upper arm, 368208006",
      "right upper arm, 368209003",
      "left wrist, 5951000",
      "right wrist, 9736006",
    })
    void theMeasurementLocationIsTheBodySite(String location, String snomed) {
      Reading panel =
          single(
              changed(
                  "openmhealth-blood-pressure.json",
                  point -> body(point).put("measurement_location", location)));

      assertThat(panel.bodySite().getSystem()).isEqualTo(Terminology.SNOMED_CT);
      assertThat(panel.bodySite().getCode()).isEqualTo(snomed);
    }

    @Test
    void withoutALocationThereIsNoBodySite() {
      Reading panel =
          single(
              changed(
                  "openmhealth-blood-pressure.json",
                  point -> body(point).remove("measurement_location")));

      assertThat(panel.bodySite()).isNull();
    }

    @Test
    void theSameDataPointTwiceHasTheSameIdentity() {
      byte[] payload = example("openmhealth-oxygen-saturation.json");

      Decoded first = adapter.decode(payload, RECEIVED_AT).get(0);
      Decoded second = adapter.decode(payload, RECEIVED_AT.plusSeconds(3600)).get(0);

      assertThat(second.identity())
          .isEqualTo(first.identity())
          .isEqualTo("omh-9b804e3c-5d6f-4071-8c1d-2e3f4a5b6c7d");
    }

    @ParameterizedTest
    @CsvSource({
      "openmhealth-oxygen-saturation.json, oxygen_saturation, 101, false, implausible:spo2",
      "openmhealth-oxygen-saturation.json, oxygen_saturation, 100, true, ''",
      "openmhealth-body-weight.json, body_weight, 0.5, false, implausible:body-weight",
      "openmhealth-body-weight.json, body_weight, 350, true, ''",
      "openmhealth-body-weight.json, body_weight, 350.001, false, implausible:body-weight",
      "openmhealth-blood-pressure.json, systolic_blood_pressure, 301, false, implausible:systolic",
      "openmhealth-blood-pressure.json, systolic_blood_pressure, 300, true, ''",
      "openmhealth-blood-pressure.json, systolic_blood_pressure, 84, false, implausible:bp-panel",
      "openmhealth-blood-pressure.json, diastolic_blood_pressure, 19, false, implausible:diastolic",
    })
    void anImplausibleValueIsRejectedNotRefused(
        String file, String field, String value, boolean accepted, String reason) {
      byte[] payload =
          changed(
              file,
              point -> ((ObjectNode) body(point).get(field)).put("value", new BigDecimal(value)));

      List<Decoded> outcomes = adapter.decode(payload, RECEIVED_AT);

      assertThat(outcomes).hasSize(1);
      if (accepted) {
        assertThat(outcomes.get(0)).isInstanceOf(Reading.class);
      } else {
        assertThat(outcomes.get(0))
            .isInstanceOfSatisfying(
                Decoded.Rejected.class,
                rejected -> {
                  assertThat(rejected.reason()).startsWith(reason);
                  assertThat(rejected.identity()).startsWith("omh-");
                });
      }
    }

    @Test
    void everyElementOfAnArrayHasItsOwnOutcome() {
      ArrayNode array = JSON.createArrayNode();
      array.add(tree("openmhealth-oxygen-saturation.json"));
      ObjectNode unsupported = tree("openmhealth-body-weight.json");
      schema(unsupported).put("name", "step-count");
      array.add(unsupported);
      ObjectNode noUser = tree("openmhealth-body-weight-lb.json");
      header(noUser).remove("user_id");
      array.add(noUser);
      array.add(JSON.getNodeFactory().numberNode(7));
      array.add(tree("openmhealth-blood-pressure.json"));

      List<Decoded> outcomes = adapter.decode(bytes(array), RECEIVED_AT);

      assertThat(outcomes)
          .extracting(outcome -> outcome.getClass().getSimpleName())
          .containsExactly("Reading", "Rejected", "Rejected", "Rejected", "Reading");
      assertThat(outcomes)
          .filteredOn(Decoded.Rejected.class::isInstance)
          .extracting(outcome -> ((Decoded.Rejected) outcome).reason())
          .satisfiesExactly(
              reason -> assertThat(reason).startsWith("unsupported-schema"),
              reason -> assertThat(reason).startsWith("missing-user"),
              reason -> assertThat(reason).startsWith("missing-field"));
    }

    @Test
    void anEmptyArrayHasNoOutcomes() {
      assertThat(adapter.decode("[]".getBytes(StandardCharsets.UTF_8), RECEIVED_AT)).isEmpty();
    }
  }

  private Reading single(byte[] payload) {
    List<Decoded> outcomes = adapter.decode(payload, RECEIVED_AT);
    assertThat(outcomes).singleElement().isInstanceOf(Reading.class);
    return (Reading) outcomes.get(0);
  }

  private void assertUnprocessable(byte[] payload, String reason) {
    assertThatThrownBy(() -> adapter.decode(payload, RECEIVED_AT))
        .isInstanceOfSatisfying(
            PayloadException.class,
            e -> {
              assertThat(e.status()).isEqualTo(422);
              assertThat(e.getMessage()).contains(reason);
            });
  }

  private static byte[] example(String file) {
    try (InputStream in = OpenMHealthAdapterTest.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException(file + " is not in the test resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode tree(String file) {
    try {
      return (ObjectNode) JSON.readTree(example(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An example with one change. */
  private static byte[] changed(String file, Consumer<ObjectNode> change) {
    ObjectNode point = tree(file);
    change.accept(point);
    return bytes(point);
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode header(ObjectNode point) {
    return (ObjectNode) point.get("header");
  }

  private static ObjectNode schema(ObjectNode point) {
    return (ObjectNode) header(point).get("schema_id");
  }

  private static ObjectNode body(ObjectNode point) {
    return (ObjectNode) point.get("body");
  }

  private static ObjectNode timeFrame(ObjectNode point) {
    return (ObjectNode) body(point).get("effective_time_frame");
  }

  private static String rendered(Reading reading) {
    return reading.effective().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  private static List<String> codes(List<Coding> codings) {
    return codings.stream().map(coding -> coding.getSystem() + "|" + coding.getCode()).toList();
  }

  /** Compares numerically and also checks the scale (the precision kept, §7). */
  private static void assertQuantity(Quantity quantity, String expected, String ucum) {
    assertThat(quantity).as("quantity").isNotNull();
    BigDecimal value = quantity.getValue();
    assertThat(value).isEqualByComparingTo(expected);
    assertThat(value.scale()).as("scale of " + value).isEqualTo(new BigDecimal(expected).scale());
    assertThat(quantity.getCode()).isEqualTo(ucum);
    assertThat(quantity.getSystem()).isEqualTo(Terminology.UCUM);
  }
}
