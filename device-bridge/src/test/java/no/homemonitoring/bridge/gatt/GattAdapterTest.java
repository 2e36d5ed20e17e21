package no.homemonitoring.bridge.gatt;

import static no.homemonitoring.bridge.gatt.GattPayloads.BP_MONITOR;
import static no.homemonitoring.bridge.gatt.GattPayloads.BRIDGE_RECEIVED_AT;
import static no.homemonitoring.bridge.gatt.GattPayloads.OXIMETER;
import static no.homemonitoring.bridge.gatt.GattPayloads.SCALE;
import static no.homemonitoring.bridge.gatt.GattPayloads.SCALE_WITH_BMI;
import static no.homemonitoring.bridge.gatt.GattPayloads.code;
import static no.homemonitoring.bridge.gatt.GattPayloads.componentsByLoinc;
import static no.homemonitoring.bridge.gatt.GattPayloads.dateTime;
import static no.homemonitoring.bridge.gatt.GattPayloads.envelope;
import static no.homemonitoring.bridge.gatt.GattPayloads.example;
import static no.homemonitoring.bridge.gatt.GattPayloads.fields;
import static no.homemonitoring.bridge.gatt.GattPayloads.json;
import static no.homemonitoring.bridge.gatt.GattPayloads.reading;
import static no.homemonitoring.bridge.gatt.GattPayloads.readings;
import static no.homemonitoring.bridge.gatt.GattPayloads.statusCodes;
import static no.homemonitoring.bridge.gatt.GattPayloads.systemId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import no.homemonitoring.bridge.Decoded;
import no.homemonitoring.bridge.Origin;
import no.homemonitoring.bridge.PayloadException;
import no.homemonitoring.bridge.Reading;
import no.homemonitoring.bridge.SubjectKey;
import no.homemonitoring.bridge.TimeQuality;
import no.homemonitoring.terminology.Terminology;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GattAdapterTest {

  private static final String BLOOD_PRESSURE = "2A35";
  private static final String WEIGHT = "2A9D";
  private static final String SPOT_CHECK = "2A5E";
  private static final String CONTINUOUS = "2A5F";

  private final GattAdapter adapter = new GattAdapter();

  private List<Decoded> decode(String characteristic, int device, String receivedAt, String hex) {
    return adapter.decode(envelope(characteristic, device, receivedAt, hex), BRIDGE_RECEIVED_AT);
  }

  private List<Decoded> decodeExample(
      String file, String characteristic, int device, String receivedAt) {
    return decode(characteristic, device, receivedAt, example(file));
  }

  /** §11: each GATT example file, wrapped in the §3.1 envelope, gives its listed result. */
  @Nested
  class Examples {

    @Test
    void bloodPressureInMmHgIsAPanelWithMeanArterialAndACuffPulseAtTheDeviceTime() {
      List<Decoded> outcomes =
          decodeExample("gatt-bp-mmhg.hex", BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:05:40Z");

      assertThat(outcomes).hasSize(2).allMatch(Reading.class::isInstance);
      Reading panel = reading(outcomes, "bp-panel");
      assertThat(codes(panel.codings()))
          .containsExactly(
              "http://loinc.org|85354-9",
              "http://snomed.info/sct|75367002",
              "urn:iso:std:iso:11073:10101|150020");
      assertThat(panel.value()).isNull();
      Map<String, Quantity> components = componentsByLoinc(panel);
      assertThat(components).containsOnlyKeys("8480-6", "8462-4", "8478-0");
      assertQuantity(components.get("8480-6"), "138", "mm[Hg]");
      assertQuantity(components.get("8462-4"), "84", "mm[Hg]");
      assertQuantity(components.get("8478-0"), "102", "mm[Hg]");
      assertThat(statusCodes(panel)).as("status 0 sets no flag").isEmpty();
      assertThat(rendered(panel)).isEqualTo("2025-01-06T08:05:12+01:00");
      assertThat(panel.effective().toInstant()).isEqualTo(Instant.parse("2025-01-06T07:05:12Z"));
      assertThat(panel.timeQuality()).isEqualTo(TimeQuality.DEVICE_LOCAL);
      assertThat(panel.origin()).isEqualTo(Origin.DEVICE);
      assertThat(panel.subject()).isEqualTo(SubjectKey.device(systemId(BP_MONITOR), 1));
      assertThat(panel.flags()).isEmpty();
      assertThat(panel.format()).isEqualTo("gatt");
      assertThat(panel.device().systemId()).isEqualTo("C026DAFFFE000001");
      assertThat(panel.device().kind()).isEqualTo("cuff");
      assertThat(panel.identity())
          .isEqualTo("C026DAFFFE000001-" + Reading.PATIENT_TOKEN + "-150020-20250106080512");

      Reading pulse = reading(outcomes, "pulse");
      assertQuantity(pulse.value(), "72", "/min");
      assertThat(codes(pulse.codings()))
          .containsExactly(
              "http://loinc.org|8867-4",
              "http://snomed.info/sct|364075005",
              "urn:iso:std:iso:11073:10101|149546");
      assertThat(pulse.effective()).isEqualTo(panel.effective());
      assertThat(pulse.subject()).isEqualTo(panel.subject());
      assertThat(pulse.identityFor("p1")).isEqualTo("C026DAFFFE000001-p1-149546-20250106080512");
    }

    @Test
    void irregularPulseBecomesAStatusComponentAndTheReadingIsKept() {
      List<Decoded> outcomes =
          decodeExample(
              "gatt-bp-irregular-pulse.hex", BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T19:16:00Z");

      assertThat(outcomes).hasSize(2).allMatch(Reading.class::isInstance);
      Reading panel = reading(outcomes, "bp-panel");
      assertThat(panel.subject())
          .as("no user field: the device's default patient")
          .isEqualTo(SubjectKey.device(systemId(BP_MONITOR), null));
      Map<String, Quantity> components = componentsByLoinc(panel);
      assertQuantity(components.get("8480-6"), "152", "mm[Hg]");
      assertQuantity(components.get("8462-4"), "95", "mm[Hg]");
      assertQuantity(components.get("8478-0"), "114", "mm[Hg]");
      assertThat(statusCodes(panel)).containsExactly("8410608.2");
      BooleanType flagValue =
          (BooleanType)
              panel.components().stream()
                  .filter(component -> component.value() instanceof BooleanType)
                  .findFirst()
                  .orElseThrow()
                  .value();
      assertThat(flagValue.booleanValue()).as("the status bit is set").isTrue();
      assertThat(rendered(panel)).isEqualTo("2025-01-06T20:15:30+01:00");
      assertThat(panel.effective().toInstant()).isEqualTo(Instant.parse("2025-01-06T19:15:30Z"));
      assertThat(panel.timeQuality()).isEqualTo(TimeQuality.DEVICE_LOCAL);
      assertQuantity(reading(outcomes, "pulse").value(), "96", "/min");
    }

    @Test
    void withoutATimestampTheReceptionTimeIsUsedAndTheNanMeanArterialIsOmitted() {
      List<Decoded> outcomes =
          decodeExample(
              "gatt-bp-no-timestamp.hex", BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:20:00Z");

      assertThat(outcomes).as("no pulse field: no pulse outcome").hasSize(1);
      Reading panel = reading(outcomes, "bp-panel");
      Map<String, Quantity> components = componentsByLoinc(panel);
      assertThat(components).containsOnlyKeys("8480-6", "8462-4");
      assertQuantity(components.get("8480-6"), "138", "mm[Hg]");
      assertQuantity(components.get("8462-4"), "84", "mm[Hg]");
      assertThat(rendered(panel)).isEqualTo("2025-01-06T08:20:00+01:00");
      assertThat(panel.timeQuality()).isEqualTo(TimeQuality.RECEIVE_TIME);
      assertThat(panel.identity())
          .endsWith("-150020-rx" + Instant.parse("2025-01-06T07:20:00Z").getEpochSecond());
    }

    @Test
    void weightInKilogramsKeepsTheResolutionsThreeDecimals() {
      List<Decoded> outcomes =
          decodeExample("gatt-weight-kg.hex", WEIGHT, SCALE, "2025-01-06T06:32:05Z");

      assertThat(outcomes).hasSize(1);
      Reading weight = reading(outcomes, "body-weight");
      assertQuantity(weight.value(), "82.350", "kg");
      assertThat(codes(weight.codings()))
          .containsExactly(
              "http://loinc.org|29463-7",
              "http://snomed.info/sct|27113001",
              "urn:iso:std:iso:11073:10101|188736");
      assertThat(weight.subject()).isEqualTo(SubjectKey.device(systemId(SCALE), 1));
      assertThat(rendered(weight)).isEqualTo("2025-01-06T07:31:40+01:00");
      assertThat(weight.effective().toInstant()).isEqualTo(Instant.parse("2025-01-06T06:31:40Z"));
      assertThat(weight.timeQuality()).isEqualTo(TimeQuality.DEVICE_LOCAL);
      assertThat(weight.device().kind()).isEqualTo("scale");
    }

    @Test
    void weightWithBmiAndHeightGivesThreeReadingsAndTheHeightInCentimetres() {
      List<Decoded> outcomes =
          decodeExample(
              "gatt-weight-kg-bmi-height.hex", WEIGHT, SCALE_WITH_BMI, "2025-01-06T06:32:05Z");

      assertThat(outcomes).hasSize(3).allMatch(Reading.class::isInstance);
      assertThat(outcomes)
          .extracting(Decoded::concept)
          .containsExactlyInAnyOrder("body-weight", "bmi", "body-height");
      assertQuantity(reading(outcomes, "body-weight").value(), "82.350", "kg");
      Reading bmi = reading(outcomes, "bmi");
      assertQuantity(bmi.value(), "26.9", "kg/m2");
      assertThat(code(bmi.codings(), Terminology.LOINC)).isEqualTo("39156-5");
      Reading height = reading(outcomes, "body-height");
      assertQuantity(height.value(), "175.0", "cm");
      assertThat(code(height.codings(), Terminology.LOINC)).isEqualTo("8302-2");
      assertThat(readings(outcomes))
          .allSatisfy(
              reading -> {
                assertThat(reading.effective().toInstant())
                    .isEqualTo(Instant.parse("2025-01-06T06:31:40Z"));
                assertThat(reading.subject())
                    .isEqualTo(SubjectKey.device(systemId(SCALE_WITH_BMI), 1));
              });
      assertThat(outcomes).extracting(Decoded::identity).doesNotHaveDuplicates();
    }

    @Test
    void anUnsuccessfulWeighingIsSkippedAndNothingIsStored() {
      List<Decoded> outcomes =
          decodeExample("gatt-weight-unsuccessful.hex", WEIGHT, SCALE, "2025-01-06T06:40:00Z");

      assertThat(readings(outcomes)).isEmpty();
      assertThat(outcomes).singleElement().isInstanceOf(Decoded.Skipped.class);
      Decoded.Skipped skipped = (Decoded.Skipped) outcomes.get(0);
      assertThat(skipped.concept()).isEqualTo("body-weight");
      assertThat(skipped.reason()).isEqualTo("measurement-unsuccessful");
    }

    @Test
    void spotCheckGivesSpo2AndAnOximeterPulseAtTheDeviceTime() {
      List<Decoded> outcomes =
          decodeExample("gatt-plx-spotcheck.hex", SPOT_CHECK, OXIMETER, "2025-01-06T07:10:30Z");

      assertThat(outcomes).hasSize(2).allMatch(Reading.class::isInstance);
      Reading spo2 = reading(outcomes, "spo2");
      assertQuantity(spo2.value(), "96", "%");
      assertThat(codes(spo2.codings()))
          .containsExactlyInAnyOrder(
              "http://loinc.org|59408-5",
              "http://loinc.org|2708-6",
              "http://snomed.info/sct|431314004",
              "urn:iso:std:iso:11073:10101|150456");
      Reading pulse = reading(outcomes, "pulse");
      assertQuantity(pulse.value(), "72", "/min");
      assertThat(code(pulse.codings(), Terminology.MDC)).isEqualTo("149530");
      assertThat(readings(outcomes))
          .allSatisfy(
              reading -> {
                assertThat(rendered(reading)).isEqualTo("2025-01-06T08:10:03+01:00");
                assertThat(reading.timeQuality()).isEqualTo(TimeQuality.DEVICE_LOCAL);
                assertThat(reading.flags()).isEmpty();
                assertThat(reading.device().kind()).isEqualTo("oximeter");
              });
    }

    @Test
    void spotCheckKeepsTheDecimalOfItsSpo2AndUsesTheReceptionTime() {
      List<Decoded> outcomes =
          decodeExample(
              "gatt-plx-spotcheck-decimal.hex", SPOT_CHECK, OXIMETER, "2025-01-06T07:12:00Z");

      Reading spo2 = reading(outcomes, "spo2");
      assertQuantity(spo2.value(), "96.5", "%");
      assertQuantity(reading(outcomes, "pulse").value(), "72", "/min");
      assertThat(readings(outcomes))
          .hasSize(2)
          .allSatisfy(
              reading -> {
                assertThat(rendered(reading)).isEqualTo("2025-01-06T08:12:00+01:00");
                assertThat(reading.timeQuality()).isEqualTo(TimeQuality.RECEIVE_TIME);
              });
    }

    @Test
    void aContinuousFrameIsASpotValueAtTheReceptionFlaggedContinuous() {
      List<Decoded> outcomes =
          decodeExample("gatt-plx-continuous.hex", CONTINUOUS, OXIMETER, "2025-01-06T07:15:00Z");

      assertThat(outcomes).hasSize(2).allMatch(Reading.class::isInstance);
      assertQuantity(reading(outcomes, "spo2").value(), "97", "%");
      Reading pulse = reading(outcomes, "pulse");
      assertQuantity(pulse.value(), "64", "/min");
      assertThat(code(pulse.codings(), Terminology.MDC)).isEqualTo("149530");
      assertThat(readings(outcomes))
          .allSatisfy(
              reading -> {
                assertThat(rendered(reading)).isEqualTo("2025-01-06T08:15:00+01:00");
                assertThat(reading.timeQuality()).isEqualTo(TimeQuality.RECEIVE_TIME);
                assertThat(reading.flags()).containsExactly("continuous");
              });
    }
  }

  /** §3.1: a payload that cannot be read as a whole is a 400 and nothing of it is stored. */
  @Nested
  class BadInput {

    private static final String BP_HEX = "1E 8A 00 54 00 66 00 E9 07 01 06 08 05 0C 48 00 01 00 00";

    @ParameterizedTest
    @ValueSource(
        strings = {
          "not json at all",
          "[]",
          "null",
          "\"2A35\"",
          "{\"characteristicUuid\": \"2A35\", \"bytesHex\": \"00 8A 00 54 00 FF 07\"",
        })
    void aBodyThatIsNoEnvelopeIsABadRequest(String body) {
      assertBadRequest(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anEmptyBodyIsABadRequest() {
      assertBadRequest(new byte[0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"characteristicUuid", "receivedAt", "bytesHex"})
    void anEnvelopeWithoutARequiredFieldIsABadRequest(String field) {
      Map<String, Object> envelope =
          fields(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:05:40Z", BP_HEX);
      envelope.remove(field);

      assertBadRequest(json(envelope));
    }

    @Test
    void anEnvelopeThatNamesNoDeviceIsABadRequest() {
      Map<String, Object> envelope =
          fields(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:05:40Z", BP_HEX);
      envelope.remove("systemId");
      envelope.remove("deviceAddress");

      assertBadRequest(json(envelope));
    }

    @ParameterizedTest
    @ValueSource(strings = {"00 8A 00 54 00 FF 0G", "00 8A 00 54 00 FF 0", "0x00 8A", "00;8A"})
    void badHexIsABadRequest(String hex) {
      assertBadRequest(envelope(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:05:40Z", hex));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2A37", "2A1C", "180D", "00002a37-0000-1000-8000-00805f9b34fb", "BP"})
    void anUnknownCharacteristicIsABadRequest(String characteristic) {
      assertBadRequest(envelope(characteristic, BP_MONITOR, "2025-01-06T07:05:40Z", BP_HEX));
    }

    @ParameterizedTest
    @CsvSource({
      // BP: the flags announce timestamp, pulse, user and status, the frame ends before them.
      "2A35, 1E 8A 00 54 00 66 00 E9 07 01 06 08 05 0C 48 00 01 00",
      "2A35, 1E 8A 00 54 00 66 00 E9 07 01 06 08 05 0C",
      "2A35, 00 8A 00 54 00",
      "2A35, 00",
      "2A35, ''",
      // Weight: BMI and height announced, the height missing.
      "2A9D, 0E 56 40 E9 07 01 06 07 1F 28 01 0D 01",
      "2A9D, 00 56",
      // Spot-check: timestamp announced, the frame ends inside it.
      "2A5E, 01 60 00 48 00 E9 07 01",
      // Spot-check: measurement status, sensor status and PAI announced, the PAI missing.
      "2A5E, 0E 60 00 48 00 00 00 00 00 00",
      // Continuous: fast and slow values announced, the slow ones missing.
      "2A5F, 03 61 00 40 00 62 00 41 00",
    })
    void aFrameShorterThanItsFlagsImplyIsABadRequest(String characteristic, String hex) {
      assertBadRequest(envelope(characteristic, BP_MONITOR, "2025-01-06T07:05:40Z", hex));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2025-01-06T07:05:40", "2025-13-06T07:05:40Z"})
    void aReceptionTimeWithoutOffsetIsABadRequest(String receivedAt) {
      assertBadRequest(envelope(BLOOD_PRESSURE, BP_MONITOR, receivedAt, BP_HEX));
    }

    @Test
    void anUnknownGatewayZoneIsABadRequest() {
      Map<String, Object> envelope =
          fields(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:05:40Z", BP_HEX);
      envelope.put("gatewayZone", "Europe/Atlantis");

      assertBadRequest(json(envelope));
    }

    private void assertBadRequest(byte[] payload) {
      assertThatThrownBy(() -> adapter.decode(payload, BRIDGE_RECEIVED_AT))
          .isInstanceOfSatisfying(
              PayloadException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
  }

  /** §3.1: what the envelope may vary without changing the reading. */
  @Nested
  class Envelope {

    @ParameterizedTest
    @ValueSource(
        strings = {
          "2A35",
          "2a35",
          "0x2A35",
          "00002A35-0000-1000-8000-00805F9B34FB",
          "00002a35-0000-1000-8000-00805f9b34fb"
        })
    void theUuidMayBeGivenIn16Or128BitForm(String characteristic) {
      List<Decoded> outcomes =
          decode(characteristic, BP_MONITOR, "2025-01-06T07:05:40Z", example("gatt-bp-mmhg.hex"));

      assertThat(outcomes).extracting(Decoded::concept).containsExactly("bp-panel", "pulse");
    }

    @Test
    void hexIsCaseInsensitiveAndSpacesAreOptional() {
      String compact = example("gatt-bp-mmhg.hex").replace(" ", "").toLowerCase();

      Reading panel =
          reading(decode(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:05:40Z", compact), "bp-panel");

      assertQuantity(componentsByLoinc(panel).get("8480-6"), "138", "mm[Hg]");
    }

    @Test
    void trailingBytesAndReservedFlagBitsAreIgnored() {
      // Flags 0x9E = the example's 0x1E with the reserved bit 7 set; two bytes appended.
      String hex = "9E" + example("gatt-bp-mmhg.hex").substring(2) + " AB CD";

      List<Decoded> outcomes = decode(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:05:40Z", hex);

      Reading panel = reading(outcomes, "bp-panel");
      assertQuantity(componentsByLoinc(panel).get("8480-6"), "138", "mm[Hg]");
      assertThat(statusCodes(panel)).isEmpty();
      assertQuantity(reading(outcomes, "pulse").value(), "72", "/min");
    }

    @Test
    void intermediateCuffPressureIsAcceptedAndStoresNothing() {
      assertThat(decode("2A36", BP_MONITOR, "2025-01-06T07:05:40Z", "00 50 00 FF 07 FF 07"))
          .isEmpty();
    }

    @Test
    void withoutASystemIdTheBluetoothAddressNamesTheDevice() {
      Map<String, Object> envelope =
          fields(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:05:40Z", example("gatt-bp-mmhg.hex"));
      envelope.remove("systemId");

      Reading panel = reading(adapter.decode(json(envelope), BRIDGE_RECEIVED_AT), "bp-panel");

      assertThat(panel.subject()).isEqualTo(SubjectKey.device("C0:26:DA:00:00:01", 1));
      assertThat(panel.identity()).startsWith("C026DA000001-" + Reading.PATIENT_TOKEN + "-150020-");
    }

    @Test
    void theBridgesOwnReceptionTimeIsNeverUsed() {
      String hex = "00 8A 00 54 00 FF 07";
      byte[] payload = envelope(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:20:00Z", hex);

      Reading early = reading(adapter.decode(payload, Instant.EPOCH), "bp-panel");
      Reading late = reading(adapter.decode(payload, BRIDGE_RECEIVED_AT), "bp-panel");

      assertThat(early.effective()).isEqualTo(late.effective());
      assertThat(early.identity()).isEqualTo(late.identity());
    }
  }

  /** §3.2-3.5 and §7: values, units, special values and status bits. */
  @Nested
  class Values {

    @Test
    void kilopascalsAreConvertedToWholeMillimetresOfMercury() {
      // Flags: kPa. SBP 0xF0BD = 18.9 kPa = 141.76 mmHg, DBP 0xF070 = 11.2 kPa = 84.01, MAP NaN.
      Reading panel =
          reading(
              decode(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:20:00Z", "01 BD F0 70 F0 FF 07"),
              "bp-panel");

      Map<String, Quantity> components = componentsByLoinc(panel);
      assertQuantity(components.get("8480-6"), "142", "mm[Hg]");
      assertQuantity(components.get("8462-4"), "84", "mm[Hg]");
    }

    @Test
    void poundsAreConvertedToKilogramsWithThreeDecimals() {
      // Flags: imperial. 18160 × 0.01 lb = 181.60 lb = 82.3723744 kg.
      Reading weight =
          reading(decode(WEIGHT, SCALE, "2025-01-06T06:32:05Z", "01 F0 46"), "body-weight");

      assertQuantity(weight.value(), "82.372", "kg");
    }

    @Test
    void imperialHeightIsConvertedToCentimetres() {
      // Flags: imperial + BMI/height. 18160 × 0.01 lb; BMI 269 × 0.1; height 689 × 0.1 in.
      List<Decoded> outcomes =
          decode(WEIGHT, SCALE_WITH_BMI, "2025-01-06T06:32:05Z", "09 F0 46 0D 01 B1 02");

      assertQuantity(reading(outcomes, "body-height").value(), "175.0", "cm");
      assertQuantity(reading(outcomes, "bmi").value(), "26.9", "kg/m2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"FF 07", "00 08", "FE 07", "02 08", "01 08"})
    void aSpecialSystolicSkipsThePanelButNotThePulse(String systolic) {
      List<Decoded> outcomes =
          decode(
              BLOOD_PRESSURE,
              BP_MONITOR,
              "2025-01-06T07:20:00Z",
              "04 " + systolic + " 54 00 66 00 48 00");

      assertThat(outcomes).hasSize(2);
      assertThat(outcomes.get(0))
          .isInstanceOfSatisfying(
              Decoded.Skipped.class,
              skipped -> {
                assertThat(skipped.concept()).isEqualTo("bp-panel");
                assertThat(skipped.reason()).isEqualTo("nan");
              });
      assertQuantity(reading(outcomes, "pulse").value(), "72", "/min");
    }

    @Test
    void aSpecialDiastolicSkipsThePanel() {
      List<Decoded> outcomes =
          decode(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:20:00Z", "00 8A 00 FF 07 66 00");

      assertThat(outcomes).singleElement().isInstanceOf(Decoded.Skipped.class);
    }

    @Test
    void aSpecialPulseGivesNoPulseReading() {
      List<Decoded> outcomes =
          decode(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:20:00Z", "04 8A 00 54 00 66 00 FF 07");

      assertThat(readings(outcomes)).extracting(Reading::concept).containsExactly("bp-panel");
      assertThat(outcomes)
          .filteredOn(outcome -> outcome.concept().equals("pulse"))
          .singleElement()
          .isInstanceOf(Decoded.Skipped.class);
    }

    @Test
    void anAllNanFrameStoresNothing() {
      List<Decoded> outcomes =
          decode(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:20:00Z", "04 FF 07 FF 07 FF 07 FF 07");

      assertThat(readings(outcomes)).isEmpty();
      assertThat(outcomes).hasSize(2).allMatch(Decoded.Skipped.class::isInstance);
    }

    @Test
    void aMeanArterialOutsideDiastolicToSystolicIsOmitted() {
      // MAP 0x00A0 = 160 > SBP 138.
      Reading panel =
          reading(
              decode(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:20:00Z", "00 8A 00 54 00 A0 00"),
              "bp-panel");

      assertThat(componentsByLoinc(panel)).containsOnlyKeys("8480-6", "8462-4");
    }

    @ParameterizedTest
    @CsvSource({
      "0001, 8410608.0",
      "0002, 8410608.1",
      "0004, 8410608.2",
      "0008, 8410608.3",
      "0010, 8410608.4",
      "0018, ''",
      "0020, 8410608.5",
    })
    void eachStatusBitBecomesAComponentAndTheReadingIsKept(String status, String expected) {
      int bits = Integer.parseInt(status, 16);
      String hex = "10 8A 00 54 00 66 00 %02X %02X".formatted(bits & 0xFF, bits >> 8);

      Reading panel =
          reading(decode(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:20:00Z", hex), "bp-panel");

      assertThat(statusCodes(panel))
          .containsExactlyElementsOf(expected.isEmpty() ? List.of() : List.of(expected));
      assertThat(componentsByLoinc(panel)).containsOnlyKeys("8480-6", "8462-4", "8478-0");
    }

    @Test
    void allStatusBitsTogetherGiveAllTheirComponentsInBitOrder() {
      Reading panel =
          reading(
              decode(
                  BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:20:00Z", "10 8A 00 54 00 66 00 2F 00"),
              "bp-panel");

      assertThat(statusCodes(panel))
          .containsExactly("8410608.0", "8410608.1", "8410608.2", "8410608.3", "8410608.5");
    }

    @ParameterizedTest
    @CsvSource({"04, demo-data", "08, testing-data", "20, unavailable", "80, invalid"})
    void pulseOximetryThatIsNoMeasurementOfThePatientIsSkipped(
        String statusHighByte, String reason) {
      // Measurement status bits 10, 11, 13 and 15 sit in the second byte of the u16.
      String hex = "02 60 00 48 00 00 " + statusHighByte;

      List<Decoded> outcomes = decode(SPOT_CHECK, OXIMETER, "2025-01-06T07:12:00Z", hex);

      assertThat(outcomes).hasSize(2).allMatch(Decoded.Skipped.class::isInstance);
      assertThat(outcomes)
          .extracting(outcome -> ((Decoded.Skipped) outcome).reason())
          .containsOnly("measurement-status:" + reason);
    }

    @Test
    void questionablePulseOximetryIsKeptAndFlagged() {
      List<Decoded> outcomes =
          decode(SPOT_CHECK, OXIMETER, "2025-01-06T07:12:00Z", "02 60 00 48 00 00 40");

      assertThat(readings(outcomes))
          .hasSize(2)
          .allSatisfy(reading -> assertThat(reading.flags()).containsExactly("questionable"));
    }

    @Test
    void aQuestionableContinuousFrameHasBothFlags() {
      List<Decoded> outcomes =
          decode(CONTINUOUS, OXIMETER, "2025-01-06T07:15:00Z", "04 61 00 40 00 00 40");

      assertThat(readings(outcomes))
          .hasSize(2)
          .allSatisfy(
              reading ->
                  assertThat(reading.flags())
                      .containsExactlyInAnyOrder("questionable", "continuous"));
    }

    @Test
    void fastAndSlowValuesOfAContinuousFrameAreIgnored() {
      // Fast 0x0050/0x0050 and slow 0x0058/0x0058 are read past; the normal values are stored.
      List<Decoded> outcomes =
          decode(
              CONTINUOUS,
              OXIMETER,
              "2025-01-06T07:15:00Z",
              "03 61 00 40 00 50 00 50 00 58 00 58 00");

      assertQuantity(reading(outcomes, "spo2").value(), "97", "%");
      assertQuantity(reading(outcomes, "pulse").value(), "64", "/min");
    }
  }

  /** §10: an implausible value is rejected on its own; the others of the frame are kept. */
  @Nested
  class Plausibility {

    @ParameterizedTest
    @CsvSource({
      "300, 84, true",
      "301, 84, false",
      "50, 30, true",
      "49, 30, false",
      "140, 200, false",
      "220, 200, true",
      "220, 201, false",
      "120, 20, true",
      "120, 19, false",
      "84, 84, false",
      "83, 84, false",
    })
    void theBloodPressureBoundsAreInclusiveAndTheSystolicMustExceedTheDiastolic(
        int systolic, int diastolic, boolean accepted) {
      List<Decoded> outcomes =
          decode(
              BLOOD_PRESSURE,
              BP_MONITOR,
              "2025-01-06T07:20:00Z",
              "04 %s %s FF 07 48 00".formatted(sfloat(systolic), sfloat(diastolic)));

      Decoded panel = outcomes.get(0);
      assertThat(panel.concept()).isEqualTo("bp-panel");
      if (accepted) {
        assertThat(panel).isInstanceOf(Reading.class);
      } else {
        assertThat(panel)
            .isInstanceOfSatisfying(
                Decoded.Rejected.class,
                rejected -> assertThat(rejected.reason()).startsWith("implausible:"));
      }
      assertThat(reading(outcomes, "pulse").value().getValue()).isEqualByComparingTo("72");
    }

    @Test
    void anImplausibleSystolicNamesItsMeasurement() {
      Decoded panel =
          decode(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:20:00Z", "00 2D 01 54 00 FF 07").get(0);

      assertThat(panel)
          .isInstanceOfSatisfying(
              Decoded.Rejected.class,
              rejected -> {
                assertThat(rejected.reason()).startsWith("implausible:systolic");
                assertThat(rejected.identity()).contains("-150020-");
              });
    }

    @ParameterizedTest
    @CsvSource({"20, true", "19, false", "250, true", "251, false"})
    void anImplausiblePulseIsRejectedAndThePanelKept(int pulse, boolean accepted) {
      List<Decoded> outcomes =
          decode(
              BLOOD_PRESSURE,
              BP_MONITOR,
              "2025-01-06T07:20:00Z",
              "04 8A 00 54 00 66 00 " + sfloat(pulse));

      assertThat(outcomes.get(0)).isInstanceOf(Reading.class);
      Decoded outcome = outcomes.get(1);
      assertThat(outcome.concept()).isEqualTo("pulse");
      if (accepted) {
        assertThat(outcome).isInstanceOf(Reading.class);
      } else {
        assertThat(outcome)
            .isInstanceOfSatisfying(
                Decoded.Rejected.class,
                rejected -> assertThat(rejected.reason()).startsWith("implausible:pulse"));
      }
    }

    @ParameterizedTest
    @CsvSource({"100, true", "101, false", "50, true", "49, false"})
    void anImplausibleSpo2IsRejectedAndThePulseKept(int spo2, boolean accepted) {
      List<Decoded> outcomes =
          decode(
              SPOT_CHECK, OXIMETER, "2025-01-06T07:12:00Z", "00 %s 48 00".formatted(sfloat(spo2)));

      Decoded outcome = outcomes.get(0);
      assertThat(outcome.concept()).isEqualTo("spo2");
      assertThat(outcome instanceof Reading).isEqualTo(accepted);
      if (!accepted) {
        assertThat(((Decoded.Rejected) outcome).reason()).startsWith("implausible:spo2");
      }
      assertQuantity(reading(outcomes, "pulse").value(), "72", "/min");
    }

    @ParameterizedTest
    @CsvSource({"4000, true", "3999, false"})
    void theWeightsLowerBoundIsInclusive(int raw, boolean accepted) {
      Decoded outcome =
          decode(
                  WEIGHT,
                  SCALE,
                  "2025-01-06T06:32:05Z",
                  "00 %02X %02X".formatted(raw & 0xFF, raw >> 8))
              .get(0);

      assertThat(outcome instanceof Reading).isEqualTo(accepted);
      if (!accepted) {
        assertThat(((Decoded.Rejected) outcome).reason()).startsWith("implausible:body-weight");
      }
    }

    @Test
    void anImplausibleWeightInPoundsIsJudgedInKilograms() {
      // 30.00 lb = 13.608 kg: below 20 kg although 30 is inside the kilogram range.
      Decoded outcome = decode(WEIGHT, SCALE, "2025-01-06T06:32:05Z", "01 B8 0B").get(0);

      assertThat(outcome)
          .isInstanceOfSatisfying(
              Decoded.Rejected.class,
              rejected -> assertThat(rejected.reason()).startsWith("implausible:body-weight"));
    }

    @Test
    void anImplausibleBmiAndHeightAreRejectedAndTheWeightKept() {
      // BMI 801 × 0.1 = 80.1; height 2501 × 0.001 m = 250.1 cm.
      List<Decoded> outcomes =
          decode(WEIGHT, SCALE_WITH_BMI, "2025-01-06T06:32:05Z", "08 56 40 21 03 C5 09");

      assertQuantity(reading(outcomes, "body-weight").value(), "82.350", "kg");
      assertThat(outcomes)
          .filteredOn(Decoded.Rejected.class::isInstance)
          .extracting(outcome -> ((Decoded.Rejected) outcome).reason())
          .hasSize(2)
          .anyMatch(reason -> reason.startsWith("implausible:bmi"))
          .anyMatch(reason -> reason.startsWith("implausible:body-height"));
    }
  }

  /** §3.1: the user index goes to the binding; 255 means the device does not know the user. */
  @Nested
  class UserIndex {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 255})
    void theBloodPressureUserIndexIsPassedOn(int user) {
      String hex = "08 8A 00 54 00 66 00 %02X".formatted(user);

      Reading panel =
          reading(decode(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:20:00Z", hex), "bp-panel");

      assertThat(panel.subject()).isEqualTo(SubjectKey.device(systemId(BP_MONITOR), user));
    }

    @Test
    void theUnknownUserOfAScaleIs255OnEveryReading() {
      List<Decoded> outcomes =
          decode(WEIGHT, SCALE_WITH_BMI, "2025-01-06T06:32:05Z", "0C 56 40 FF 0D 01 D6 06");

      assertThat(readings(outcomes))
          .hasSize(3)
          .allSatisfy(
              reading -> {
                assertThat(reading.subject().userIndex()).isEqualTo(SubjectKey.UNKNOWN_USER);
                assertThat(reading.subject().value()).isEqualTo(systemId(SCALE_WITH_BMI));
              });
    }

    @Test
    void pulseOximetryHasNoUserIndex() {
      assertThat(
              readings(
                  decodeExample(
                      "gatt-plx-spotcheck.hex", SPOT_CHECK, OXIMETER, "2025-01-06T07:10:30Z")))
          .allSatisfy(reading -> assertThat(reading.subject().userIndex()).isNull());
    }
  }

  /** §8: the device's wall-clock time read in Europe/Oslo, or the reception when unusable. */
  @Nested
  class DeviceTime {

    @Test
    void aTimeInTheSpringGapIsMovedForwardByTheGap() {
      Reading panel = bloodPressureAt(dateTime(2025, 3, 30, 2, 30, 0), "2025-03-30T01:00:00Z");

      assertThat(rendered(panel)).isEqualTo("2025-03-30T03:30:00+02:00");
      assertThat(panel.effective().toInstant()).isEqualTo(Instant.parse("2025-03-30T01:30:00Z"));
      assertThat(panel.timeQuality()).isEqualTo(TimeQuality.DST_GAP);
      assertThat(panel.identity()).endsWith("-20250330023000");
    }

    @Test
    void aTimeThatOccursTwiceInAutumnTakesTheEarlierOffset() {
      Reading panel = bloodPressureAt(dateTime(2025, 10, 26, 2, 30, 0), "2025-10-26T02:00:00Z");

      assertThat(rendered(panel)).isEqualTo("2025-10-26T02:30:00+02:00");
      assertThat(panel.effective().toInstant()).isEqualTo(Instant.parse("2025-10-26T00:30:00Z"));
      assertThat(panel.timeQuality()).isEqualTo(TimeQuality.DST_OVERLAP);
    }

    @Test
    void theHoursAroundTheTransitionsAreUnambiguous() {
      assertThat(bloodPressureAt(dateTime(2025, 3, 30, 1, 59, 59), "2025-03-30T06:00:00Z"))
          .satisfies(
              panel -> {
                assertThat(rendered(panel)).isEqualTo("2025-03-30T01:59:59+01:00");
                assertThat(panel.timeQuality()).isEqualTo(TimeQuality.DEVICE_LOCAL);
              });
      assertThat(bloodPressureAt(dateTime(2025, 10, 26, 3, 0, 0), "2025-10-26T06:00:00Z"))
          .satisfies(
              panel -> {
                assertThat(rendered(panel)).isEqualTo("2025-10-26T03:00:00+01:00");
                assertThat(panel.timeQuality()).isEqualTo(TimeQuality.DEVICE_LOCAL);
              });
    }

    @Test
    void summerTimeIsReadWithItsOffset() {
      Reading panel = bloodPressureAt(dateTime(2025, 7, 1, 8, 0, 0), "2025-07-01T06:05:00Z");

      assertThat(rendered(panel)).isEqualTo("2025-07-01T08:00:00+02:00");
      assertThat(panel.timeQuality()).isEqualTo(TimeQuality.DEVICE_LOCAL);
    }

    @ParameterizedTest
    @CsvSource({
      // year, month, day, hours, minutes, seconds
      "0, 1, 6, 8, 5, 12",
      "2025, 0, 6, 8, 5, 12",
      "2025, 1, 0, 8, 5, 12",
      "2025, 13, 6, 8, 5, 12",
      "2025, 2, 30, 8, 5, 12",
      "2025, 1, 6, 24, 5, 12",
      "2025, 1, 6, 8, 60, 12",
      "2000, 1, 1, 0, 0, 0",
      "2014, 12, 31, 12, 0, 0",
      "2025, 1, 7, 8, 20, 1",
    })
    void anUnusableDeviceTimeGivesWayToTheReception(
        int year, int month, int day, int hours, int minutes, int seconds) {
      Reading panel =
          bloodPressureAt(
              dateTime(year, month, day, hours, minutes, seconds), "2025-01-06T07:20:00Z");

      assertThat(rendered(panel)).isEqualTo("2025-01-06T08:20:00+01:00");
      assertThat(panel.timeQuality()).isEqualTo(TimeQuality.RECEIVE_TIME);
      assertThat(panel.identity())
          .as("the identity keeps the device time as reported")
          .endsWith(
              "-%04d%02d%02d%02d%02d%02d".formatted(year, month, day, hours, minutes, seconds));
    }

    @Test
    void aDeviceTimeUpToADayAheadIsKept() {
      Reading panel = bloodPressureAt(dateTime(2025, 1, 7, 8, 20, 0), "2025-01-06T07:20:00Z");

      assertThat(rendered(panel)).isEqualTo("2025-01-07T08:20:00+01:00");
      assertThat(panel.timeQuality()).isEqualTo(TimeQuality.DEVICE_LOCAL);
    }

    @Test
    void anOldRecordKeepsItsDeviceTime() {
      Reading panel = bloodPressureAt(dateTime(2023, 5, 17, 9, 0, 0), "2025-01-06T07:20:00Z");

      assertThat(rendered(panel)).isEqualTo("2023-05-17T09:00:00+02:00");
      assertThat(panel.timeQuality()).isEqualTo(TimeQuality.DEVICE_LOCAL);
    }

    @Test
    void aPulseOximeterWhoseClockIsNotSetIsReadAtTheReception() {
      // Flags: timestamp + clock not set; the device time looks plausible but is not set.
      String hex = "11 60 00 48 00 " + dateTime(2025, 1, 6, 8, 10, 3);

      List<Decoded> outcomes = decode(SPOT_CHECK, OXIMETER, "2025-01-06T07:12:00Z", hex);

      assertThat(readings(outcomes))
          .hasSize(2)
          .allSatisfy(
              reading -> {
                assertThat(rendered(reading)).isEqualTo("2025-01-06T08:12:00+01:00");
                assertThat(reading.timeQuality()).isEqualTo(TimeQuality.RECEIVE_TIME);
              });
    }

    @Test
    void theGatewayZoneIsTheZoneOfTheWallClock() {
      Map<String, Object> envelope =
          fields(
              BLOOD_PRESSURE,
              BP_MONITOR,
              "2025-01-06T14:00:00Z",
              "02 8A 00 54 00 66 00 " + dateTime(2025, 1, 6, 8, 0, 0));
      envelope.put("gatewayZone", "America/New_York");

      Reading panel = reading(adapter.decode(json(envelope), BRIDGE_RECEIVED_AT), "bp-panel");

      assertThat(rendered(panel)).isEqualTo("2025-01-06T08:00:00-05:00");
    }

    @Test
    void withoutAGatewayZoneTheWallClockIsReadInOslo() {
      Map<String, Object> envelope =
          fields(
              BLOOD_PRESSURE,
              BP_MONITOR,
              "2025-01-06T14:00:00Z",
              "02 8A 00 54 00 66 00 " + dateTime(2025, 1, 6, 8, 0, 0));
      envelope.remove("gatewayZone");

      Reading panel = reading(adapter.decode(json(envelope), BRIDGE_RECEIVED_AT), "bp-panel");

      assertThat(rendered(panel)).isEqualTo("2025-01-06T08:00:00+01:00");
    }

    private Reading bloodPressureAt(String dateTimeHex, String receivedAt) {
      return reading(
          decode(BLOOD_PRESSURE, BP_MONITOR, receivedAt, "02 8A 00 54 00 66 00 " + dateTimeHex),
          "bp-panel");
    }
  }

  /** §9: the identity is the device, the patient, the MDC code and the device time as reported. */
  @Nested
  class Identity {

    @Test
    void theSamePayloadTwiceGivesTheSameIdentities() {
      byte[] payload =
          envelope(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:05:40Z", example("gatt-bp-mmhg.hex"));

      List<Decoded> first = adapter.decode(payload, BRIDGE_RECEIVED_AT);
      List<Decoded> second = adapter.decode(payload.clone(), Instant.EPOCH);

      assertThat(second).extracting(Decoded::identity).containsExactlyElementsOf(identities(first));
      assertThat(first).extracting(Decoded::identity).doesNotHaveDuplicates();
    }

    @Test
    void aRecordSentAgainDaysLaterByAnotherGatewayKeepsItsIdentity() {
      String hex = example("gatt-bp-mmhg.hex");
      Map<String, Object> later = fields(BLOOD_PRESSURE, BP_MONITOR, "2025-01-09T18:00:00Z", hex);
      later.put("gatewayId", "gw-0002");

      List<Decoded> first = decode(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:05:40Z", hex);
      List<Decoded> again = adapter.decode(json(later), BRIDGE_RECEIVED_AT);

      assertThat(again).extracting(Decoded::identity).containsExactlyElementsOf(identities(first));
    }

    @Test
    void anotherDeviceTimeGivesAnotherIdentity() {
      String hex = example("gatt-bp-mmhg.hex");
      // The seconds byte of the timestamp: 12 → 13.
      String oneSecondLater = hex.replace("08 05 0C", "08 05 0D");

      List<Decoded> first = decode(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:05:40Z", hex);
      List<Decoded> second =
          decode(BLOOD_PRESSURE, BP_MONITOR, "2025-01-06T07:05:40Z", oneSecondLater);

      assertThat(oneSecondLater).isNotEqualTo(hex);
      assertThat(identities(second)).doesNotContainAnyElementsOf(identities(first));
    }

    @Test
    void anotherDeviceGivesAnotherIdentity() {
      String hex = example("gatt-weight-kg.hex");

      Decoded scale = decode(WEIGHT, SCALE, "2025-01-06T06:32:05Z", hex).get(0);
      Decoded other = decode(WEIGHT, SCALE_WITH_BMI, "2025-01-06T06:32:05Z", hex).get(0);

      assertThat(scale.identity()).isNotEqualTo(other.identity());
    }

    @Test
    void withoutADeviceTimeTheReceptionSecondIsTheTimePart() {
      String hex = example("gatt-plx-continuous.hex");

      Decoded first = decode(CONTINUOUS, OXIMETER, "2025-01-06T07:15:00Z", hex).get(0);
      Decoded same = decode(CONTINUOUS, OXIMETER, "2025-01-06T07:15:00Z", hex).get(0);
      Decoded next = decode(CONTINUOUS, OXIMETER, "2025-01-06T07:15:01Z", hex).get(0);

      assertThat(first.identity())
          .isEqualTo(
              "C026DAFFFE000003-"
                  + Reading.PATIENT_TOKEN
                  + "-150456-rx"
                  + Instant.parse("2025-01-06T07:15:00Z").getEpochSecond());
      assertThat(same.identity()).isEqualTo(first.identity());
      assertThat(next.identity()).isNotEqualTo(first.identity());
    }

    @Test
    void theIdentityNamesThePatientByLogicalIdOnceBound() {
      Reading weight =
          reading(
              decodeExample("gatt-weight-kg.hex", WEIGHT, SCALE, "2025-01-06T06:32:05Z"),
              "body-weight");

      assertThat(weight.identityFor("p1")).isEqualTo("C026DAFFFE000002-p1-188736-20250106073140");
    }

    private List<String> identities(List<Decoded> outcomes) {
      return outcomes.stream().map(Decoded::identity).toList();
    }
  }

  /** The effective time as it is rendered, with seconds and the offset. */
  private static String rendered(Reading reading) {
    return reading.effective().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  /** An SFLOAT with exponent 0, as little-endian hex. */
  private static String sfloat(int mantissa) {
    return "%02X %02X".formatted(mantissa & 0xFF, (mantissa >> 8) & 0x0F);
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
