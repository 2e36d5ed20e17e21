package no.homemonitoring.bridge.gatt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import no.homemonitoring.bridge.Component;
import no.homemonitoring.bridge.Decoded;
import no.homemonitoring.bridge.MeasurementRules;
import no.homemonitoring.bridge.PayloadException;
import no.homemonitoring.bridge.VendorAdapter;
import no.homemonitoring.terminology.NormalisedValue;
import no.homemonitoring.terminology.Terminology;

/**
 * Bluetooth GATT health characteristics relayed raw by a home gateway: Blood Pressure (0x2A35),
 * Weight (0x2A9D) and Pulse Oximetry (0x2A5E spot-check, 0x2A5F continuous), one value per JSON
 * envelope.
 *
 * <p>The envelope's {@code receivedAt}, the gateway's clock, stands in for a missing device time,
 * not the bridge's reception: it is part of the stored payload, so a payload decoded again gives
 * the same readings, and it is nearer to the measurement.
 */
public final class GattAdapter implements VendorAdapter {

  public static final String FORMAT = "gatt";

  static final String FLAG_QUESTIONABLE = "questionable";
  static final String FLAG_CONTINUOUS = "continuous";

  private static final String MEASUREMENT_UNSUCCESSFUL = "measurement-unsuccessful";

  private static final ObjectMapper GATEWAY_READER = new ObjectMapper();

  private final MeasurementRules rules;

  public GattAdapter() {
    this(new MeasurementRules(Terminology.bundled()));
  }

  public GattAdapter(MeasurementRules rules) {
    this.rules = rules;
  }

  @Override
  public String format() {
    return FORMAT;
  }

  /**
   * {@inheritDoc}
   *
   * @param receivedAt not used: the envelope carries the gateway's reception time
   * @throws PayloadException (400) for an envelope that is not JSON or lacks a field, bad hex, an
   *     unknown characteristic or a frame shorter than its flags imply
   */
  @Override
  public List<Decoded> decode(byte[] payload, Instant receivedAt) {
    GattEnvelope envelope = GattEnvelope.parse(payload);
    Characteristic characteristic = envelope.characteristic();
    FrameReader reader = new FrameReader(envelope.frame(), characteristic);
    GattReadings readings = new GattReadings(rules, envelope);
    return switch (characteristic) {
      case BLOOD_PRESSURE -> bloodPressure(BloodPressureFrame.read(reader), readings);
        // The cuff pressure while it inflates: accepted, nothing to store.
      case INTERMEDIATE_CUFF_PRESSURE -> List.of();
      case WEIGHT -> weight(WeightFrame.read(reader), readings);
      case PLX_SPOT_CHECK ->
          pulseOximetry(PulseOximetryFrame.spotCheck(reader), characteristic, readings);
      case PLX_CONTINUOUS ->
          pulseOximetry(PulseOximetryFrame.continuous(reader), characteristic, readings);
    };
  }

  /** The envelope's {@code gatewayId}, if it has one and the envelope is JSON. */
  @Override
  public Optional<String> gateway(byte[] payload) {
    try {
      JsonNode id = GATEWAY_READER.readTree(payload).path("gatewayId");
      return id.isTextual() && !id.asText().isBlank() ? Optional.of(id.asText()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The panel, and the pulse as a reading of its own (judged apart from the panel). A pulse field
   * holding a special value is skipped like any other, so that it has an outcome.
   */
  private List<Decoded> bloodPressure(BloodPressureFrame frame, GattReadings readings) {
    GattReadings.Occasion occasion =
        readings.deviceTime(frame.timestamp(), frame.userId(), Set.of());
    List<Decoded> outcomes = new ArrayList<>();
    outcomes.add(panel(frame, readings, occasion));
    if (frame.hasPulse()) {
      outcomes.add(
          readings.value(
              Characteristic.BLOOD_PRESSURE.fieldCode("pulse"), frame.pulse(), "bpm", occasion));
    }
    return outcomes;
  }

  private Decoded panel(
      BloodPressureFrame frame, GattReadings readings, GattReadings.Occasion occasion) {
    String panel = Characteristic.BLOOD_PRESSURE.code();
    String systolicField = Characteristic.BLOOD_PRESSURE.fieldCode("systolic");
    String diastolicField = Characteristic.BLOOD_PRESSURE.fieldCode("diastolic");
    String meanArterialField = Characteristic.BLOOD_PRESSURE.fieldCode("mean-arterial");
    if (frame.systolic().isEmpty() || frame.diastolic().isEmpty()) {
      return readings.skipped(panel, occasion, "nan");
    }
    String unit = frame.pressureUnit();
    NormalisedValue systolic = readings.normalise(systolicField, frame.systolic().get(), unit);
    NormalisedValue diastolic = readings.normalise(diastolicField, frame.diastolic().get(), unit);
    Optional<String> rejection =
        readings
            .implausible(systolicField, systolic)
            .or(() -> readings.implausible(diastolicField, diastolic))
            .or(() -> MeasurementRules.implausiblePanel(systolic.value(), diastolic.value()));
    if (rejection.isPresent()) {
      return readings.rejected(panel, occasion, rejection.get());
    }
    List<Component> components = new ArrayList<>();
    components.add(readings.component(systolicField, systolic));
    components.add(readings.component(diastolicField, diastolic));
    frame
        .meanArterial()
        .map(meanArterial -> readings.normalise(meanArterialField, meanArterial, unit))
        .filter(
            meanArterial ->
                MeasurementRules.meanArterialFits(
                    meanArterial.value(), systolic.value(), diastolic.value()))
        .ifPresent(
            meanArterial -> components.add(readings.component(meanArterialField, meanArterial)));
    frame.statusCodes().forEach(code -> components.add(readings.statusComponent(code)));
    return readings.reading(panel, null, components, occasion);
  }

  /**
   * The weight, and BMI and height as readings of their own. An unsuccessful weighing skips all
   * three: the scale computes the BMI from the weight it did not get.
   */
  private List<Decoded> weight(WeightFrame frame, GattReadings readings) {
    GattReadings.Occasion occasion =
        readings.deviceTime(frame.timestamp(), frame.userId(), Set.of());
    String weightField = Characteristic.WEIGHT.fieldCode("weight");
    String bmiField = Characteristic.WEIGHT.fieldCode("bmi");
    String heightField = Characteristic.WEIGHT.fieldCode("height");
    List<String> fields =
        frame.hasBmiAndHeight()
            ? List.of(weightField, bmiField, heightField)
            : List.of(weightField);
    if (frame.weight().isEmpty()) {
      return fields.stream()
          .<Decoded>map(field -> readings.skipped(field, occasion, MEASUREMENT_UNSUCCESSFUL))
          .toList();
    }
    List<Decoded> outcomes = new ArrayList<>();
    outcomes.add(readings.value(weightField, frame.weight(), frame.massUnit(), occasion));
    if (frame.hasBmiAndHeight()) {
      outcomes.add(readings.value(bmiField, Optional.of(frame.bmi()), "kg/m2", occasion));
      outcomes.add(
          readings.value(heightField, Optional.of(frame.height()), frame.lengthUnit(), occasion));
    }
    return outcomes;
  }

  /**
   * SpO2 and pulse rate. A continuous frame has no time: it is stored as a spot value at its
   * reception, flagged, without the fast and slow values (v1 aggregates no streams).
   */
  private List<Decoded> pulseOximetry(
      PulseOximetryFrame frame, Characteristic characteristic, GattReadings readings) {
    boolean continuous = characteristic == Characteristic.PLX_CONTINUOUS;
    Set<String> flags = new HashSet<>();
    if (frame.questionable()) {
      flags.add(FLAG_QUESTIONABLE);
    }
    if (continuous) {
      flags.add(FLAG_CONTINUOUS);
    }
    // A clock that is not set shows a time that names no instant and tells no records apart.
    GattDateTime timestamp = frame.clockSet() ? frame.timestamp() : null;
    GattReadings.Occasion occasion =
        continuous
            ? readings.receptionTime(null, flags)
            : readings.deviceTime(timestamp, null, flags);
    String spo2Field = characteristic.fieldCode("spo2");
    String pulseField = characteristic.fieldCode("pulse");
    Optional<String> notAMeasurement = frame.notAMeasurement();
    if (notAMeasurement.isPresent()) {
      return List.of(
          readings.skipped(spo2Field, occasion, notAMeasurement.get()),
          readings.skipped(pulseField, occasion, notAMeasurement.get()));
    }
    return List.of(
        readings.value(spo2Field, frame.spo2(), "percent", occasion),
        readings.value(pulseField, frame.pulseRate(), "bpm", occasion));
  }
}
