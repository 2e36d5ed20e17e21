package no.homemonitoring.bridge.withings;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.homemonitoring.bridge.PayloadException;

/**
 * One page of a Withings {@code Measure - Getmeas} response, as the API sent it.
 *
 * <p>Withings answers errors with HTTP 200 and a {@code status} other than 0, so a page is either
 * data ({@link #isOk()}) or an error envelope the puller must act on ({@link #statusClass()}); an
 * error page is never "no data".
 *
 * @param status the Withings status (0 = success)
 * @param error the error text of an error envelope, or null
 * @param updateTime {@code body.updatetime}: the user's {@code lastupdate} watermark once the last
 *     page is stored; null on an error page
 * @param more whether another page follows (call again with {@code offset})
 * @param offset the offset of the next page, or null
 * @param timezone {@code body.timezone}: the user's IANA zone, or null
 * @param groups the measure groups (empty on an error page)
 */
public record GetmeasPage(
    int status,
    String error,
    Instant updateTime,
    boolean more,
    Long offset,
    String timezone,
    List<MeasureGroup> groups) {

  private static final ObjectMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  public GetmeasPage {
    groups = List.copyOf(groups);
  }

  /**
   * One measure group: the measures one device (or one manual entry) took at one time.
   *
   * @param groupId {@code grpid}, stable across edits
   * @param attrib how the group came about (0/8 device, 1 device with an ambiguous owner, 2/4
   *     manual, 5 device-computed multi-measure); null if not sent
   * @param date measurement time, UTC epoch seconds
   * @param created when Withings stored it, epoch seconds, or null
   * @param modified when it was last edited, epoch seconds, or null
   * @param category 1 = a real measurement, 2 = a user objective (goal)
   * @param deviceId the 40-hex device id, or null (manual entries)
   * @param hashDeviceId the hashed device id, or null
   * @param model the device's model name, or null
   * @param modelId the device's model number, or null
   * @param timezone the group's own IANA zone, or null
   * @param measures the measures
   */
  public record MeasureGroup(
      @JsonProperty("grpid") Long groupId,
      @JsonProperty("attrib") Integer attrib,
      @JsonProperty("date") Long date,
      @JsonProperty("created") Long created,
      @JsonProperty("modified") Long modified,
      @JsonProperty("category") Integer category,
      @JsonProperty("deviceid") String deviceId,
      @JsonProperty("hash_deviceid") String hashDeviceId,
      @JsonProperty("model") String model,
      @JsonProperty("modelid") Integer modelId,
      @JsonProperty("timezone") String timezone,
      @JsonProperty("measures") List<Measure> measures) {}

  /**
   * One measure: {@code value × 10^exponent} in the fixed unit of its type.
   *
   * @param value the mantissa
   * @param type the Withings measure type ({@code meastype})
   * @param exponent the power of ten ({@code unit} in the API, which is not a unit)
   */
  public record Measure(
      @JsonProperty("value") Long value,
      @JsonProperty("type") Integer type,
      @JsonProperty("unit") Integer exponent) {}

  private record Envelope(
      @JsonProperty("status") Integer status,
      @JsonProperty("error") String error,
      @JsonProperty("body") Body body) {}

  private record Body(
      @JsonProperty("updatetime") Long updateTime,
      @JsonProperty("timezone") String timezone,
      @JsonProperty("more") JsonNode more,
      @JsonProperty("offset") Long offset,
      @JsonProperty("measuregrps") List<MeasureGroup> groups) {}

  /**
   * Reads a response body.
   *
   * @throws PayloadException (400) if it is not JSON of a Getmeas response, or a success page lacks
   *     a field every group has; the puller then keeps its watermark, as for any failure
   */
  public static GetmeasPage parse(byte[] json) {
    Envelope envelope;
    try {
      envelope = JSON.readValue(json, Envelope.class);
    } catch (JacksonException e) {
      throw PayloadException.badRequest(
          "Not a Withings Getmeas response: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalStateException("Reading a byte array failed", e);
    }
    if (envelope == null || envelope.status() == null) {
      throw PayloadException.badRequest("Not a Withings Getmeas response: no status");
    }
    if (envelope.status() != 0) {
      return new GetmeasPage(
          envelope.status(), envelope.error(), null, false, null, null, List.of());
    }
    Body body = envelope.body();
    if (body == null) {
      throw PayloadException.badRequest("Withings Getmeas response with status 0 has no body");
    }
    List<MeasureGroup> groups = body.groups() == null ? List.of() : body.groups();
    groups.forEach(GetmeasPage::requireComplete);
    return new GetmeasPage(
        0,
        null,
        body.updateTime() == null ? null : Instant.ofEpochSecond(body.updateTime()),
        isTruthy(body.more()),
        body.offset(),
        body.timezone(),
        groups);
  }

  /** Whether this page carries data (status 0) rather than an error. */
  public boolean isOk() {
    return status == 0;
  }

  /** What the status means for the puller (refresh, back off, give up). */
  public WithingsStatus statusClass() {
    return WithingsStatus.of(status);
  }

  /**
   * A group without its identity, time, category or a measure's fields cannot be mapped, and
   * dropping it silently would let the watermark pass it: the whole page fails instead.
   */
  private static void requireComplete(MeasureGroup group) {
    if (group == null) {
      throw PayloadException.badRequest("Withings Getmeas response with a null measure group");
    }
    List<String> missing = new ArrayList<>();
    if (group.groupId() == null) {
      missing.add("grpid");
    }
    if (group.date() == null) {
      missing.add("date");
    }
    if (group.category() == null) {
      missing.add("category");
    }
    if (group.measures() == null) {
      missing.add("measures");
    } else {
      for (Measure measure : group.measures()) {
        if (measure == null
            || measure.value() == null
            || measure.type() == null
            || measure.exponent() == null) {
          missing.add("a measure's value, type or unit");
          break;
        }
      }
    }
    if (!missing.isEmpty()) {
      throw PayloadException.badRequest(
          "Withings measure group " + group.groupId() + " lacks " + String.join(", ", missing));
    }
  }

  /** The API documents {@code more} as 0/1; some responses carry a boolean. Both are read. */
  private static boolean isTruthy(JsonNode more) {
    if (more == null || more.isNull()) {
      return false;
    }
    if (more.isBoolean()) {
      return more.booleanValue();
    }
    if (more.isNumber()) {
      return more.asLong() != 0;
    }
    String text = more.asText();
    return !text.isEmpty() && !text.equals("0") && !text.equalsIgnoreCase("false");
  }
}
