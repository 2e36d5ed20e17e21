package no.homemonitoring.bridge.withings;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import no.homemonitoring.bridge.Component;
import no.homemonitoring.bridge.Decoded;
import no.homemonitoring.bridge.DeviceClock;
import no.homemonitoring.bridge.DeviceInfo;
import no.homemonitoring.bridge.MeasurementRules;
import no.homemonitoring.bridge.Origin;
import no.homemonitoring.bridge.Reading;
import no.homemonitoring.bridge.SubjectKey;
import no.homemonitoring.bridge.TimeQuality;
import no.homemonitoring.terminology.Measurement;
import no.homemonitoring.terminology.NormalisedValue;
import no.homemonitoring.terminology.Terminology;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Quantity;

/**
 * Turns the measure groups of a Withings {@code Measure - Getmeas} page into one outcome per
 * measurement. Pure: no HTTP, no storage; the same page and user always give the same outcomes.
 *
 * <p>Per group:
 *
 * <ul>
 *   <li>A group whose {@code category} is not 1 (a goal the user set) is {@link Decoded.Skipped}.
 *   <li>Systolic (type 10) and diastolic (type 9) make one {@code bp-panel} reading with two
 *       components. With only one of them the panel is {@link Decoded.Rejected} ({@code
 *       incomplete-bp}), and the rest of the group is judged on its own.
 *   <li>Every other type the terminology maps to a measurement (pulse, SpO2, weight, height) is a
 *       reading of its own. Other types, known or unknown (body composition, undocumented ones such
 *       as {@code type 18}), are ignored.
 *   <li>Values are {@code value × 10^unit} with the scale kept, in the unit the terminology gives
 *       the type, then converted to the measurement's canonical unit. A value outside its
 *       plausibility range is {@link Decoded.Rejected}.
 *   <li>The pulse's device kind (and so its MDC code) follows the group: with a blood pressure it
 *       is a cuff, with SpO2 an oximeter, otherwise a scale.
 *   <li>The time is the UTC epoch {@code date}, rendered with the offset of the group's zone, else
 *       the page's, else Europe/Oslo. {@code modified} is the edit signal.
 * </ul>
 *
 * <p><b>Shared devices.</b> A group with {@code attrib 1} comes from a device whose owner Withings
 * is not sure of (a scale several people step on). Quarantine is a storage outcome, so the mapper
 * still returns the group's readings, subject {@link SubjectKey#vendorUser} as always, each with
 * the flag {@value #AMBIGUOUS_OWNER}. <em>The server must quarantine every reading with that flag
 * instead of storing it on the patient of the Withings user.</em>
 */
public final class WithingsMeasureMapper {

  /** The format name of readings from Withings. */
  public static final String FORMAT = "withings";

  /** The code system of Withings measure types in the terminology module. */
  public static final String MEASURE_TYPE_SYSTEM =
      Terminology.BASE + "/CodeSystem/withings-measure-type";

  /** The identifier system of Withings device ids. */
  public static final String DEVICE_ID_SYSTEM = Terminology.BASE + "/sid/withings-device";

  /** The flag of a reading whose owner Withings is not sure of: the server quarantines it. */
  public static final String AMBIGUOUS_OWNER = "ambiguous-owner";

  static final String BP_PANEL = "bp-panel";

  /** MDC_PRESS_BLD_NONINV: the panel's codes come from the terminology through it. */
  private static final String BP_PANEL_MDC_CODE = "150020";

  private static final String MANUFACTURER = "Withings";

  private static final int REAL_MEASUREMENT = 1;
  private static final int USER_OBJECTIVE = 2;

  private static final int AMBIGUOUS_OWNER_ATTRIB = 1;
  private static final Set<Integer> MANUAL_ATTRIBS = Set.of(2, 4);
  private static final int MULTI_MEASURE_ATTRIB = 5;

  private static final int DIASTOLIC = 9;
  private static final int SYSTOLIC = 10;
  private static final int SPO2 = 54;

  private static final String CUFF = "cuff";
  private static final String OXIMETER = "oximeter";
  private static final String SCALE = "scale";

  private final MeasurementRules rules;

  public WithingsMeasureMapper(MeasurementRules rules) {
    this.rules = rules;
  }

  /**
   * The outcomes of a response body.
   *
   * @throws no.homemonitoring.bridge.PayloadException if it is not a Getmeas response
   * @throws WithingsApiException if it is an error envelope
   */
  public List<Decoded> decode(byte[] json, String userId) {
    return decode(GetmeasPage.parse(json), userId);
  }

  /**
   * The outcomes of a page's groups, in the order of the groups.
   *
   * @param userId the Withings user the page was pulled for (the response does not name it)
   * @throws WithingsApiException if the page is an error envelope: an error is never "no data"
   */
  public List<Decoded> decode(GetmeasPage page, String userId) {
    Objects.requireNonNull(userId, "userId");
    if (!page.isOk()) {
      throw new WithingsApiException(page.status(), page.error());
    }
    List<Decoded> outcomes = new ArrayList<>();
    for (GetmeasPage.MeasureGroup group : page.groups()) {
      outcomes.addAll(new GroupMapping(group, userId, page.timezone()).outcomes());
    }
    return outcomes;
  }

  /** A measurement the group holds: the panel (no type) or one measure type. */
  private record Item(String concept, Integer type, BigDecimal value) {}

  /** The mapping of one group: what all its outcomes share. */
  private final class GroupMapping {

    private final GetmeasPage.MeasureGroup group;
    private final String userId;

    /**
     * The first value of each type, in the group's order: a second measure of a type would get the
     * same identity as the first.
     */
    private final Map<Integer, BigDecimal> values = new LinkedHashMap<>();

    private final String deviceKind;
    private final OffsetDateTime effective;

    GroupMapping(GetmeasPage.MeasureGroup group, String userId, String pageZone) {
      this.group = group;
      this.userId = userId;
      group.measures().forEach(m -> values.putIfAbsent(m.type(), value(m)));
      this.deviceKind = deviceKind(values.keySet());
      ZoneId zone = zone(group.timezone()).or(() -> zone(pageZone)).orElse(DeviceClock.OSLO);
      this.effective = DeviceClock.instant(Instant.ofEpochSecond(group.date()), zone).time();
    }

    List<Decoded> outcomes() {
      List<Item> items = items();
      if (group.category() != REAL_MEASUREMENT) {
        String reason =
            group.category() == USER_OBJECTIVE
                ? "goal: category 2 is a user objective, not a measurement"
                : "not-a-measurement: category " + group.category();
        return items.stream()
            .<Decoded>map(item -> new Decoded.Skipped(item.concept(), identity(item), reason))
            .toList();
      }
      return items.stream().map(item -> item.type() == null ? panel(item) : single(item)).toList();
    }

    /** The panel where the first of its measures stands, then the other measurements in order. */
    private List<Item> items() {
      List<Item> items = new ArrayList<>();
      for (Map.Entry<Integer, BigDecimal> entry : values.entrySet()) {
        int type = entry.getKey();
        if (type == SYSTOLIC || type == DIASTOLIC) {
          if (items.stream().noneMatch(item -> item.type() == null)) {
            items.add(new Item(BP_PANEL, null, null));
          }
        } else {
          measurementOf(type).ifPresent(m -> items.add(new Item(m.code(), type, entry.getValue())));
        }
      }
      return items;
    }

    private Decoded panel(Item item) {
      String identity = identity(item);
      BigDecimal systolic = values.get(SYSTOLIC);
      BigDecimal diastolic = values.get(DIASTOLIC);
      if (systolic == null || diastolic == null) {
        return new Decoded.Rejected(
            BP_PANEL,
            identity,
            systolic == null
                ? "incomplete-bp: diastolic (type 9) without systolic (type 10)"
                : "incomplete-bp: systolic (type 10) without diastolic (type 9)");
      }
      NormalisedValue normalisedSystolic = normalise(SYSTOLIC, systolic);
      NormalisedValue normalisedDiastolic = normalise(DIASTOLIC, diastolic);
      Optional<String> implausible =
          Stream.of(
                  implausible(SYSTOLIC, normalisedSystolic),
                  implausible(DIASTOLIC, normalisedDiastolic),
                  MeasurementRules.implausiblePanel(
                      normalisedSystolic.value(), normalisedDiastolic.value()))
              .flatMap(Optional::stream)
              .findFirst();
      if (implausible.isPresent()) {
        return new Decoded.Rejected(BP_PANEL, identity, implausible.get());
      }
      List<Component> components =
          List.of(
              new Component(codings(SYSTOLIC), MeasurementRules.quantity(normalisedSystolic)),
              new Component(codings(DIASTOLIC), MeasurementRules.quantity(normalisedDiastolic)));
      return reading(
          item, rules.codings(Terminology.MDC, BP_PANEL_MDC_CODE, Map.of()), null, components);
    }

    private Decoded single(Item item) {
      NormalisedValue normalised = normalise(item.type(), item.value());
      Optional<String> implausible = implausible(item.type(), normalised);
      if (implausible.isPresent()) {
        return new Decoded.Rejected(item.concept(), identity(item), implausible.get());
      }
      return reading(item, codings(item.type()), MeasurementRules.quantity(normalised), List.of());
    }

    private Reading reading(
        Item item, List<Coding> codings, Quantity value, List<Component> components) {
      return new Reading(
          FORMAT,
          item.concept(),
          identity(item),
          SubjectKey.vendorUser(userId),
          codings,
          value,
          components,
          effective,
          null,
          TimeQuality.SOURCE_INSTANT,
          origin(group.attrib()),
          isAmbiguousOwner() ? Set.of(AMBIGUOUS_OWNER) : Set.of(),
          device(),
          null,
          group.modified() == null ? null : Instant.ofEpochSecond(group.modified()));
    }

    private boolean isAmbiguousOwner() {
      return Objects.equals(group.attrib(), AMBIGUOUS_OWNER_ATTRIB);
    }

    private String identity(Item item) {
      return "withings-%s-%d-%s".formatted(userId, group.groupId(), item.concept());
    }

    private DeviceInfo device() {
      String id = group.deviceId() != null ? group.deviceId() : group.hashDeviceId();
      if (id == null) {
        // A manual entry names no device.
        return null;
      }
      return new DeviceInfo(id, DEVICE_ID_SYSTEM, deviceKind, MANUFACTURER, group.model(), null);
    }

    /** The codings of a type; the context names the device kind the pulse's MDC code needs. */
    private List<Coding> codings(int type) {
      return rules.codings(
          MEASURE_TYPE_SYSTEM, String.valueOf(type), Map.of(Terminology.DEVICE_KIND, deviceKind));
    }

    private NormalisedValue normalise(int type, BigDecimal value) {
      String code = String.valueOf(type);
      return rules.normalise(
          rules.measurementOf(MEASURE_TYPE_SYSTEM, code).code(),
          value,
          rules.terminology().unitOf(MEASURE_TYPE_SYSTEM, code));
    }

    private Optional<String> implausible(int type, NormalisedValue value) {
      return rules.implausible(
          rules.measurementOf(MEASURE_TYPE_SYSTEM, String.valueOf(type)).code(), value.value());
    }
  }

  private Optional<Measurement> measurementOf(int type) {
    return rules.terminology().measurementOf(MEASURE_TYPE_SYSTEM, String.valueOf(type));
  }

  /**
   * {@code value × 10^exponent}, exact. A positive exponent would give a negative scale, which
   * renders as {@code 5E+2}; it is set to 0, which changes no digit.
   */
  private static BigDecimal value(GetmeasPage.Measure measure) {
    BigDecimal value = BigDecimal.valueOf(measure.value(), -measure.exponent());
    return value.scale() < 0 ? value.setScale(0) : value;
  }

  private static String deviceKind(Set<Integer> types) {
    if (types.contains(SYSTOLIC) || types.contains(DIASTOLIC)) {
      return CUFF;
    }
    if (types.contains(SPO2)) {
      return OXIMETER;
    }
    return SCALE;
  }

  private static Origin origin(Integer attrib) {
    if (attrib != null && MANUAL_ATTRIBS.contains(attrib)) {
      return Origin.MANUAL;
    }
    if (attrib != null && attrib == MULTI_MEASURE_ATTRIB) {
      return Origin.DEVICE_AGGREGATE;
    }
    return Origin.DEVICE;
  }

  /**
   * A zone by its IANA name. An unknown name counts as none: the instant is exact either way, and
   * only the offset it is rendered with falls back to the next zone.
   */
  private static Optional<ZoneId> zone(String name) {
    if (name == null || name.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZoneId.of(name));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }
}
