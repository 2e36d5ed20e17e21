package no.homemonitoring.bridge.withings;

import static no.homemonitoring.bridge.withings.WithingsTestData.example;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import no.homemonitoring.bridge.PayloadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GetmeasPageTest {

  @Test
  void aSuccessPageCarriesTheWatermarkZoneAndGroups() {
    GetmeasPage page = GetmeasPage.parse(example("withings-getmeas-bp.json"));

    assertThat(page.isOk()).isTrue();
    assertThat(page.statusClass()).isEqualTo(WithingsStatus.OK);
    assertThat(page.updateTime()).isEqualTo(Instant.ofEpochSecond(1736147190));
    assertThat(page.timezone()).isEqualTo("Europe/Oslo");
    assertThat(page.more()).isFalse();
    assertThat(page.offset()).isNull();
    GetmeasPage.MeasureGroup group = page.groups().get(0);
    assertThat(group.groupId()).isEqualTo(6123456789L);
    assertThat(group.attrib()).isZero();
    assertThat(group.date()).isEqualTo(1736147112L);
    assertThat(group.created()).isEqualTo(1736147131L);
    assertThat(group.modified()).isEqualTo(1736147131L);
    assertThat(group.category()).isEqualTo(1);
    assertThat(group.deviceId()).isEqualTo("3f1c9a7e5b2d4c6e8a0b1c2d3e4f5a6b7c8d9e0f");
    assertThat(group.hashDeviceId()).isEqualTo(group.deviceId());
    assertThat(group.model()).isEqualTo("BPM Connect");
    assertThat(group.modelId()).isEqualTo(45);
    assertThat(group.timezone()).isEqualTo("Europe/Oslo");
    // algo, fm and comment are deprecated fields the record does not hold.
    assertThat(group.measures())
        .containsExactly(
            new GetmeasPage.Measure(84L, 9, 0),
            new GetmeasPage.Measure(138L, 10, 0),
            new GetmeasPage.Measure(72L, 11, 0));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "true", "\"1\""})
  void moreAsANumberOrABooleanAsksForTheNextPage(String more) {
    GetmeasPage page = parse("{\"status\": 0, \"body\": {\"more\": %s, \"offset\": 200}}", more);

    assertThat(page.more()).isTrue();
    assertThat(page.offset()).isEqualTo(200L);
    assertThat(page.groups()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "false", "null"})
  void moreFalseOrZeroIsTheLastPage(String more) {
    assertThat(parse("{\"status\": 0, \"body\": {\"more\": %s}}", more).more()).isFalse();
  }

  @Test
  void anErrorEnvelopeIsExposedWithItsClass() {
    GetmeasPage page = GetmeasPage.parse(example("withings-getmeas-error.json"));

    assertThat(page.isOk()).isFalse();
    assertThat(page.status()).isEqualTo(401);
    assertThat(page.statusClass()).isEqualTo(WithingsStatus.AUTH);
    assertThat(page.error()).contains("invalid_token");
    assertThat(page.groups()).isEmpty();
    assertThat(page.updateTime()).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "[]",
        "{}",
        "{\"status\": 0}",
        "{\"status\": 0, \"body\": {\"measuregrps\": [{\"date\": 1, \"category\": 1,"
            + " \"measures\": []}]}}",
        "{\"status\": 0, \"body\": {\"measuregrps\": [{\"grpid\": 1, \"date\": 1, \"category\": 1,"
            + " \"measures\": [{\"value\": 1, \"type\": 1}]}]}}",
        "{\"status\": 0, \"body\": {\"measuregrps\": [{\"grpid\": 1, \"category\": 1,"
            + " \"measures\": []}]}}"
      })
  void aBodyThatIsNotACompleteGetmeasResponseIsABadPayload(String json) {
    assertThatThrownBy(() -> GetmeasPage.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(PayloadException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  private static GetmeasPage parse(String template, String value) {
    return GetmeasPage.parse(template.formatted(value).getBytes(StandardCharsets.UTF_8));
  }
}
