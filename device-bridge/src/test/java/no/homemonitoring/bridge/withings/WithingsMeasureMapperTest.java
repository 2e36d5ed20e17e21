package no.homemonitoring.bridge.withings;

import static no.homemonitoring.bridge.withings.WithingsTestData.JANUARY;
import static no.homemonitoring.bridge.withings.WithingsTestData.USER;
import static no.homemonitoring.bridge.withings.WithingsTestData.example;
import static no.homemonitoring.bridge.withings.WithingsTestData.group;
import static no.homemonitoring.bridge.withings.WithingsTestData.measure;
import static no.homemonitoring.bridge.withings.WithingsTestData.page;
import static no.homemonitoring.bridge.withings.WithingsTestData.pageIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import no.homemonitoring.bridge.Component;
import no.homemonitoring.bridge.Decoded;
import no.homemonitoring.bridge.DeviceInfo;
import no.homemonitoring.bridge.MeasurementRules;
import no.homemonitoring.bridge.Origin;
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

class WithingsMeasureMapperTest {

  private static final int WEIGHT = 1;
  private static final int HEIGHT = 4;
  private static final int DIASTOLIC = 9;
  private static final int SYSTOLIC = 10;
  private static final int PULSE = 11;
  private static final int SPO2 = 54;

  private final WithingsMeasureMapper mapper =
      new WithingsMeasureMapper(new MeasurementRules(Terminology.bundled()));

  /** §11: each example file gives its listed result. */
  @Nested
  class Examples {

    @Test
    void bloodPressureIsAPanelWithoutMeanArterialAndACuffPulse() {
      List<Decoded> outcomes = mapper.decode(example("withings-getmeas-bp.json"), USER);

      assertThat(outcomes).extracting(Decoded::concept).containsExactly("bp-panel", "pulse");
      Reading panel = reading(outcomes, "bp-panel");
      assertThat(panel.identity()).isEqualTo("withings-38271234-6123456789-bp-panel");
      assertThat(panel.value()).isNull();
      assertThat(codes(panel.codings()))
          .containsExactly(
              "http://loinc.org|85354-9",
              "http://snomed.info/sct|75367002",
              "urn:iso:std:iso:11073:10101|150020");
      assertThat(panel.components()).hasSize(2);
      Component systolic = panel.components().get(0);
      assertThat(codes(systolic.codings()))
          .containsExactly(
              "http://loinc.org|8480-6",
              "http://snomed.info/sct|271649006",
              "urn:iso:std:iso:11073:10101|150021");
      assertQuantity((Quantity) systolic.value(), "138", "mm[Hg]");
      Component diastolic = panel.components().get(1);
      assertThat(codes(diastolic.codings())).contains("http://loinc.org|8462-4");
      assertQuantity((Quantity) diastolic.value(), "84", "mm[Hg]");
      assertThat(panel.effective()).hasToString("2025-01-06T08:05:12+01:00");
      assertThat(panel.effective().toInstant()).isEqualTo(Instant.parse("2025-01-06T07:05:12Z"));
      assertThat(panel.timeQuality()).isEqualTo(TimeQuality.SOURCE_INSTANT);
      assertThat(panel.origin()).isEqualTo(Origin.DEVICE);
      assertThat(panel.subject()).isEqualTo(SubjectKey.vendorUser(USER));
      assertThat(panel.flags()).isEmpty();
      assertThat(panel.editedAt()).isEqualTo(Instant.ofEpochSecond(1736147131));
      assertThat(panel.device())
          .isEqualTo(
              new DeviceInfo(
                  "3f1c9a7e5b2d4c6e8a0b1c2d3e4f5a6b7c8d9e0f",
                  "http://homemonitoring.no/fhir/sid/withings-device",
                  "cuff",
                  "Withings",
                  "BPM Connect",
                  null));

      Reading pulse = reading(outcomes, "pulse");
      assertThat(pulse.identity()).isEqualTo("withings-38271234-6123456789-pulse");
      assertQuantity(pulse.value(), "72", "/min");
      assertThat(codes(pulse.codings()))
          .containsExactly(
              "http://loinc.org|8867-4",
              "http://snomed.info/sct|364075005",
              "urn:iso:std:iso:11073:10101|149546");
      assertThat(pulse.effective()).hasToString("2025-01-06T08:05:12+01:00");
    }

    @Test
    void weightKeepsItsThreeDecimalsAndTheScalePulseIsSeparate() {
      List<Decoded> outcomes = mapper.decode(example("withings-getmeas-weight.json"), USER);

      // Body composition (types 5, 6, 8) is ignored without an outcome or an error.
      assertThat(outcomes).extracting(Decoded::concept).containsExactly("body-weight", "pulse");
      Reading weight = reading(outcomes, "body-weight");
      assertQuantity(weight.value(), "82.350", "kg");
      assertThat(codes(weight.codings()))
          .containsExactly(
              "http://loinc.org|29463-7",
              "http://snomed.info/sct|27113001",
              "urn:iso:std:iso:11073:10101|188736");
      assertThat(weight.effective()).hasToString("2025-01-06T07:31:40+01:00");
      assertThat(weight.device().model()).isEqualTo("Body+");
      assertThat(weight.device().kind()).isEqualTo("scale");
      assertThat(weight.identity()).isEqualTo("withings-38271234-6123450001-body-weight");

      Reading pulse = reading(outcomes, "pulse");
      assertQuantity(pulse.value(), "59", "/min");
      assertThat(codes(pulse.codings())).contains("urn:iso:std:iso:11073:10101|149514");
    }

    @Test
    void oxygenSaturationCarriesBothLoincCodes() {
      List<Decoded> outcomes = mapper.decode(example("withings-getmeas-spo2.json"), USER);

      assertThat(outcomes).extracting(Decoded::concept).containsExactly("spo2");
      Reading spo2 = reading(outcomes, "spo2");
      assertQuantity(spo2.value(), "96", "%");
      assertThat(codes(spo2.codings()))
          .containsExactlyInAnyOrder(
              "http://loinc.org|59408-5",
              "http://loinc.org|2708-6",
              "http://snomed.info/sct|431314004",
              "urn:iso:std:iso:11073:10101|150456");
      assertThat(spo2.effective()).hasToString("2025-01-06T08:10:03+01:00");
      assertThat(spo2.device().model()).isEqualTo("ScanWatch 2");
      assertThat(spo2.device().kind()).isEqualTo("oximeter");
    }

    @Test
    void theErrorEnvelopeIsAFailureNeverNoData() {
      byte[] error = example("withings-getmeas-error.json");

      assertThatThrownBy(() -> mapper.decode(error, USER))
          .isInstanceOfSatisfying(
              WithingsApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.statusClass()).isEqualTo(WithingsStatus.AUTH);
                assertThat(e).hasMessageContaining("invalid_token");
              });
    }
  }

  /** §12, Withings cases 4 to 9. */
  @Nested
  class Cases {

    @Test
    void aGoalIsSkippedForEachOfItsMeasurements() {
      List<Decoded> outcomes =
          mapper.decode(
              page(group(7001, 0, 2, JANUARY, measure(WEIGHT, 75000, -3), measure(18, -1000, 0))),
              USER);

      assertThat(outcomes)
          .singleElement()
          .isInstanceOfSatisfying(
              Decoded.Skipped.class,
              skipped -> {
                assertThat(skipped.concept()).isEqualTo("body-weight");
                assertThat(skipped.identity()).isEqualTo("withings-38271234-7001-body-weight");
                assertThat(skipped.reason()).startsWith("goal");
              });
    }

    @Test
    void aGroupWithAnAmbiguousOwnerIsFlaggedForQuarantineAsAWhole() {
      List<Decoded> outcomes =
          mapper.decode(
              page(group(7002, 1, 1, JANUARY, measure(WEIGHT, 82350, -3), measure(PULSE, 61, 0))),
              USER);

      assertThat(outcomes)
          .hasSize(2)
          .allSatisfy(outcome -> assertThat(outcome).isInstanceOf(Reading.class));
      assertThat(outcomes)
          .map(Reading.class::cast)
          .allSatisfy(
              reading -> {
                assertThat(reading.flags()).containsExactly(WithingsMeasureMapper.AMBIGUOUS_OWNER);
                assertThat(reading.subject()).isEqualTo(SubjectKey.vendorUser(USER));
              });
    }

    @ParameterizedTest(name = "attrib {0} → {1}")
    @CsvSource({"0, DEVICE", "8, DEVICE", "2, MANUAL", "4, MANUAL", "5, DEVICE_AGGREGATE"})
    void theOriginFollowsTheAttrib(int attrib, Origin origin) {
      List<Decoded> outcomes =
          mapper.decode(
              page(
                  group(
                      7003,
                      attrib,
                      1,
                      JANUARY,
                      measure(SYSTOLIC, 128, 0),
                      measure(DIASTOLIC, 79, 0),
                      measure(PULSE, 64, 0))),
              USER);

      assertThat(outcomes)
          .hasSize(2)
          .map(Reading.class::cast)
          .allSatisfy(
              reading -> {
                assertThat(reading.origin()).isEqualTo(origin);
                assertThat(reading.flags()).isEmpty();
              });
    }

    @Test
    void aNegativeExponentOnBloodPressureKeepsItsDecimals() {
      List<Decoded> outcomes =
          mapper.decode(
              page(
                  group(7004, JANUARY, measure(SYSTOLIC, 13650, -2), measure(DIASTOLIC, 8425, -2))),
              USER);

      Reading panel = reading(outcomes, "bp-panel");
      assertQuantity((Quantity) panel.components().get(0).value(), "136.50", "mm[Hg]");
      assertQuantity((Quantity) panel.components().get(1).value(), "84.25", "mm[Hg]");
    }

    @Test
    void systolicWithoutDiastolicGivesNoPanelButKeepsTheCuffPulse() {
      List<Decoded> outcomes =
          mapper.decode(
              page(group(7005, JANUARY, measure(SYSTOLIC, 138, 0), measure(PULSE, 72, 0))), USER);

      assertThat(outcomes).extracting(Decoded::concept).containsExactly("bp-panel", "pulse");
      assertThat(outcomes.get(0))
          .isInstanceOfSatisfying(
              Decoded.Rejected.class,
              rejected -> {
                assertThat(rejected.identity()).isEqualTo("withings-38271234-7005-bp-panel");
                assertThat(rejected.reason()).startsWith("incomplete-bp");
              });
      Reading pulse = reading(outcomes, "pulse");
      assertQuantity(pulse.value(), "72", "/min");
      assertThat(codes(pulse.codings())).contains("urn:iso:std:iso:11073:10101|149546");
    }

    @Test
    void diastolicWithoutSystolicGivesNoPanel() {
      List<Decoded> outcomes =
          mapper.decode(page(group(7006, JANUARY, measure(DIASTOLIC, 84, 0))), USER);

      assertThat(outcomes)
          .singleElement()
          .isInstanceOfSatisfying(
              Decoded.Rejected.class,
              rejected -> assertThat(rejected.reason()).startsWith("incomplete-bp"));
    }

    @Test
    void unknownAndUnmappedMeasureTypesAreIgnored() {
      List<Decoded> outcomes =
          mapper.decode(
              page(
                  group(
                      7007,
                      JANUARY,
                      measure(18, -1000, 0),
                      measure(WEIGHT, 80000, -3),
                      measure(76, 3512, -2),
                      measure(9999, 1, 0))),
              USER);

      assertThat(outcomes).extracting(Decoded::concept).containsExactly("body-weight");
    }

    @Test
    void aRedeliveredGroupWithALaterModifiedHasTheSameIdentityAndALaterEdit() {
      Reading first = (Reading) mapper.decode(page(groupModifiedAt(100)), USER).get(0);
      Reading edited = (Reading) mapper.decode(page(groupModifiedAt(200)), USER).get(0);

      assertThat(edited.identity()).isEqualTo(first.identity());
      assertThat(edited.editedAt()).isAfter(first.editedAt());
      assertQuantity(edited.value(), "81.900", "kg");
    }

    private static String groupModifiedAt(long secondsAfter) {
      return group(7008, JANUARY, measure(WEIGHT, 81900, -3))
          .replaceFirst("\"modified\": \\d+", "\"modified\": " + (JANUARY + secondsAfter));
    }

    @Test
    void equalLocalTimesOnTheFallBackNightAreTwoReadings() {
      long first = Instant.parse("2025-10-26T00:30:00Z").getEpochSecond();
      long second = Instant.parse("2025-10-26T01:30:00Z").getEpochSecond();

      List<Decoded> outcomes =
          mapper.decode(
              page(
                  group(7009, first, measure(WEIGHT, 82000, -3)),
                  group(7010, second, measure(WEIGHT, 82100, -3))),
              USER);

      assertThat(outcomes).hasSize(2);
      Reading before = (Reading) outcomes.get(0);
      Reading after = (Reading) outcomes.get(1);
      assertThat(before.effective()).hasToString("2025-10-26T02:30+02:00");
      assertThat(after.effective()).hasToString("2025-10-26T02:30+01:00");
      assertThat(before.identity()).isNotEqualTo(after.identity());
      assertThat(List.of(before.timeQuality(), after.timeQuality()))
          .containsOnly(TimeQuality.SOURCE_INSTANT);
    }
  }

  @Nested
  class Rules {

    @Test
    void heightInMetresIsStoredInCentimetres() {
      List<Decoded> outcomes =
          mapper.decode(page(group(7101, 2, 1, JANUARY, measure(HEIGHT, 1750, -3))), USER);

      Reading height = reading(outcomes, "body-height");
      assertQuantity(height.value(), "175.0", "cm");
      assertThat(codes(height.codings())).contains("http://loinc.org|8302-2");
      assertThat(height.origin()).isEqualTo(Origin.MANUAL);
    }

    @Test
    void aPositiveExponentGivesAPlainInteger() {
      List<Decoded> outcomes =
          mapper.decode(page(group(7102, JANUARY, measure(WEIGHT, 8, 1))), USER);

      assertQuantity(reading(outcomes, "body-weight").value(), "80", "kg");
    }

    @ParameterizedTest(name = "{0} {1}e{2} → {3}")
    @CsvSource({
      "54, 100, 0, ",
      "54, 101, 0, implausible:spo2",
      "54, 50, 0, ",
      "54, 49, 0, implausible:spo2",
      "1, 500, -3, implausible:body-weight",
      "1, 350000, -3, ",
      "1, 350001, -3, implausible:body-weight",
      "11, 20, 0, ",
      "11, 19, 0, implausible:pulse",
      "11, 251, 0, implausible:pulse",
      "4, 2505, -3, implausible:body-height"
    })
    void plausibilityIsJudgedOnTheCanonicalValue(
        int type, long value, int exponent, String reason) {
      List<Decoded> outcomes =
          mapper.decode(page(group(7103, JANUARY, measure(type, value, exponent))), USER);

      assertThat(outcomes).hasSize(1);
      if (reason == null) {
        assertThat(outcomes.get(0)).isInstanceOf(Reading.class);
      } else {
        assertThat(outcomes.get(0))
            .isInstanceOfSatisfying(
                Decoded.Rejected.class,
                rejected -> assertThat(rejected.reason()).startsWith(reason));
      }
    }

    @ParameterizedTest(name = "{0}/{1} → {2}")
    @CsvSource({
      "300, 80, ",
      "301, 80, implausible:systolic",
      "120, 19, implausible:diastolic",
      "90, 90, implausible:bp-panel",
      "80, 90, implausible:bp-panel"
    })
    void aBadSystolicOrDiastolicRejectsThePanelButNotThePulse(
        long systolic, long diastolic, String reason) {
      List<Decoded> outcomes =
          mapper.decode(
              page(
                  group(
                      7104,
                      JANUARY,
                      measure(SYSTOLIC, systolic, 0),
                      measure(DIASTOLIC, diastolic, 0),
                      measure(PULSE, 70, 0))),
              USER);

      assertThat(reading(outcomes, "pulse").value().getValue()).isEqualByComparingTo("70");
      Decoded panel = outcomes.get(0);
      if (reason == null) {
        assertThat(panel).isInstanceOf(Reading.class);
      } else {
        assertThat(panel)
            .isInstanceOfSatisfying(
                Decoded.Rejected.class,
                rejected -> {
                  assertThat(rejected.concept()).isEqualTo("bp-panel");
                  assertThat(rejected.reason()).startsWith(reason);
                });
      }
    }

    @Test
    void thePulseBesideSpo2IsAnOximeterPulse() {
      List<Decoded> outcomes =
          mapper.decode(
              page(group(7105, JANUARY, measure(SPO2, 97, 0), measure(PULSE, 64, 0))), USER);

      assertThat(codes(reading(outcomes, "pulse").codings()))
          .contains("urn:iso:std:iso:11073:10101|149530")
          .doesNotContain("urn:iso:std:iso:11073:10101|149514");
    }

    @Test
    void theGroupZoneComesBeforeThePageZone() {
      String newYork =
          group(7106, JANUARY, measure(WEIGHT, 80000, -3))
              .replaceFirst("\"measures\"", "\"timezone\": \"America/New_York\", \"measures\"");

      Reading reading = (Reading) mapper.decode(page(newYork), USER).get(0);

      assertThat(reading.effective()).hasToString("2025-01-06T02:00-05:00");
    }

    @Test
    void withoutAGroupZoneThePageZoneIsUsed() {
      Reading reading =
          (Reading)
              mapper
                  .decode(pageIn("UTC", group(7107, JANUARY, measure(WEIGHT, 80000, -3))), USER)
                  .get(0);

      assertThat(reading.effective()).hasToString("2025-01-06T07:00Z");
    }

    @Test
    void withoutAnyZoneOrWithAnUnknownOneOsloIsUsed() {
      Reading noZone =
          (Reading)
              mapper
                  .decode(pageIn(null, group(7108, JANUARY, measure(WEIGHT, 80000, -3))), USER)
                  .get(0);
      Reading unknownZone =
          (Reading)
              mapper
                  .decode(
                      pageIn("Mars/Olympus", group(7109, JANUARY, measure(WEIGHT, 80000, -3))),
                      USER)
                  .get(0);

      assertThat(noZone.effective()).hasToString("2025-01-06T08:00+01:00");
      assertThat(unknownZone.effective()).hasToString("2025-01-06T08:00+01:00");
    }

    @Test
    void aManualEntryNamesNoDeviceAndTheHashedIdStandsInForAMissingDeviceId() {
      String manual =
          group(7110, 2, 1, JANUARY, measure(WEIGHT, 80000, -3))
              .replaceAll("\"(hash_)?deviceid\": \"[0-9a-f]+\"", "\"$1deviceid\": null");
      String hashedOnly =
          group(7111, JANUARY, measure(WEIGHT, 80000, -3))
              .replace(
                  "\"deviceid\": \"00112233445566778899aabbccddeeff00112233\"",
                  "\"deviceid\": null");

      List<Decoded> outcomes = mapper.decode(page(manual, hashedOnly), USER);

      assertThat(((Reading) outcomes.get(0)).device()).isNull();
      assertThat(((Reading) outcomes.get(1)).device().systemId())
          .isEqualTo("00112233445566778899aabbccddeeff00112233");
    }

    @Test
    void aPageWithoutGroupsHasNoOutcomes() {
      assertThat(mapper.decode(page(), USER)).isEmpty();
    }

    @Test
    void theUserMustBeNamed() {
      byte[] json = page(group(7112, JANUARY, measure(WEIGHT, 80000, -3)));

      assertThatThrownBy(() -> mapper.decode(json, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void anotherErrorStatusIsAFailureOfItsClass() {
      byte[] tooMany =
          "{\"status\": 601, \"body\": {}, \"error\": \"Too many requests\"}"
              .getBytes(StandardCharsets.UTF_8);

      assertThatThrownBy(() -> mapper.decode(tooMany, USER))
          .isInstanceOfSatisfying(
              WithingsApiException.class,
              e -> assertThat(e.statusClass()).isEqualTo(WithingsStatus.TOO_MANY_REQUESTS));
    }
  }

  private static Reading reading(List<Decoded> outcomes, String concept) {
    return outcomes.stream()
        .filter(outcome -> outcome.concept().equals(concept))
        .map(Reading.class::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("No " + concept + " in " + outcomes));
  }

  private static List<String> codes(List<Coding> codings) {
    return codings.stream().map(coding -> coding.getSystem() + "|" + coding.getCode()).toList();
  }

  /** Numerically and by scale: {@code 82.350} is not {@code 82.35}. */
  private static void assertQuantity(Quantity quantity, String value, String unit) {
    assertThat(quantity.getValue()).isEqualByComparingTo(value);
    assertThat(quantity.getValue().toPlainString()).isEqualTo(value);
    assertThat(quantity.getValue().scale()).isEqualTo(new BigDecimal(value).scale());
    assertThat(quantity.getCode()).isEqualTo(unit);
    assertThat(quantity.getUnit()).isEqualTo(unit);
    assertThat(quantity.getSystem()).isEqualTo("http://unitsofmeasure.org");
  }
}
