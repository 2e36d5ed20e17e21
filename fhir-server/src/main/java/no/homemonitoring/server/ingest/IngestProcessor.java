package no.homemonitoring.server.ingest;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import no.homemonitoring.bridge.Decoded;
import no.homemonitoring.bridge.DeviceInfo;
import no.homemonitoring.bridge.Reading;
import no.homemonitoring.bridge.VendorAdapter;
import no.homemonitoring.bridge.fhir.ObservationFactory;
import no.homemonitoring.terminology.Terminology;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;

/**
 * Turns one stored payload into Observations: decode again (adapters are pure), bind each reading
 * to its patient, write it, and record one outcome per measurement. Running it twice on the same
 * payload changes nothing the first run stored, so a crash at any point is repaired by running it
 * again.
 */
public class IngestProcessor {

  /** The bridge's version, named in every Provenance it writes. */
  static final String BRIDGE_VERSION =
      Optional.ofNullable(IngestProcessor.class.getPackage().getImplementationVersion())
          .orElse("0.1.0-SNAPSHOT");

  static final String SUBMISSION_SYSTEM = Terminology.BASE + "/sid/ingest-submission";
  static final String PAYLOAD_HASH_SYSTEM = Terminology.BASE + "/sid/payload-sha256";
  static final String VENDOR_SYSTEM = Terminology.BASE + "/sid/vendor";
  static final String GATEWAY_SYSTEM = Terminology.BASE + "/sid/gateway";
  private static final String PARTICIPANT_TYPE =
      "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

  private final Map<String, VendorAdapter> adapters;
  private final PatientBinder binder;
  private final ObservationSink writer;
  private final IFhirResourceDao<Device> devices;
  private final IngestProperties properties;

  public IngestProcessor(
      List<VendorAdapter> adapters,
      PatientBinder binder,
      ObservationSink writer,
      DaoRegistry daos,
      IngestProperties properties) {
    this.adapters =
        adapters.stream().collect(Collectors.toMap(VendorAdapter::format, Function.identity()));
    this.binder = binder;
    this.writer = writer;
    this.devices = daos.getResourceDao(Device.class);
    this.properties = properties;
  }

  public Optional<VendorAdapter> adapter(String format) {
    return Optional.ofNullable(adapters.get(format));
  }

  /**
   * The outcome of every measurement of a submission. Throws when storage fails, so that the
   * submission is retried as a whole; a measurement that is itself wrong is rejected, not thrown.
   */
  public List<MeasurementOutcome> process(Submission submission, List<MeasurementOutcome> earlier) {
    VendorAdapter adapter =
        adapter(submission.format())
            .orElseThrow(() -> new IllegalStateException("No adapter for " + submission.format()));
    List<Decoded> decoded = adapter.decode(submission.payload(), submission.receivedAt());
    Map<Integer, MeasurementOutcome> before =
        earlier.stream().collect(Collectors.toMap(MeasurementOutcome::seq, Function.identity()));
    List<MeasurementOutcome> outcomes = new ArrayList<>();
    Map<Integer, String> deviceIds = new java.util.HashMap<>();
    for (int seq = 0; seq < decoded.size(); seq++) {
      MeasurementOutcome outcome = outcome(submission, seq, decoded.get(seq), deviceIds);
      MeasurementOutcome previous = before.get(seq);
      // A second run finds what the first stored: the first run's outcome is what happened.
      if (previous != null
          && previous.stored()
          && MeasurementOutcome.DUPLICATE.equals(outcome.outcome())) {
        outcome = previous;
      }
      outcomes.add(outcome);
    }
    writeProvenance(submission, adapter.gateway(submission.payload()), outcomes, deviceIds);
    adapter.stored(submission.payload());
    return outcomes;
  }

  /**
   * Why a payload that must be stored whole (a FHIR transaction) cannot be: each rejected
   * measurement and each one that is bound to no patient the vendor may write for, by position.
   * Empty when every measurement can be stored.
   */
  public List<String> problems(String vendor, List<Decoded> decoded) {
    List<String> problems = new ArrayList<>();
    for (int seq = 0; seq < decoded.size(); seq++) {
      Decoded one = decoded.get(seq);
      if (one instanceof Decoded.Rejected rejected) {
        problems.add("entry %d: %s".formatted(seq, rejected.reason()));
      } else if (one instanceof Reading reading) {
        PatientBinder.Binding binding = binder.bind(vendor, reading);
        if (binding instanceof PatientBinder.Quarantine quarantine) {
          problems.add("entry %d: %s".formatted(seq, quarantine.reason()));
        } else if (binding instanceof PatientBinder.Refused refused) {
          problems.add("entry %d: %s".formatted(seq, refused.reason()));
        }
      }
    }
    return problems;
  }

  private MeasurementOutcome outcome(
      Submission submission, int seq, Decoded decoded, Map<Integer, String> deviceIds) {
    if (decoded instanceof Decoded.Rejected rejected) {
      return new MeasurementOutcome(
          seq,
          rejected.concept(),
          rejected.identity(),
          MeasurementOutcome.REJECTED,
          rejected.reason(),
          null,
          null);
    }
    if (decoded instanceof Decoded.Skipped skipped) {
      return new MeasurementOutcome(
          seq,
          skipped.concept(),
          skipped.identity(),
          MeasurementOutcome.SKIPPED,
          skipped.reason(),
          null,
          null);
    }
    Reading reading = (Reading) decoded;
    PatientBinder.Binding binding = binder.bind(submission.vendor(), reading);
    if (binding instanceof PatientBinder.Quarantine quarantine) {
      // A sender that waits for the answer is told now; nothing is held behind its back.
      boolean answered =
          adapter(submission.format()).map(VendorAdapter::answersSynchronously).orElse(false);
      return new MeasurementOutcome(
          seq,
          reading.concept(),
          reading.identity(),
          answered ? MeasurementOutcome.REJECTED : MeasurementOutcome.QUARANTINED,
          quarantine.reason(),
          null,
          null);
    }
    if (binding instanceof PatientBinder.Refused refused) {
      return new MeasurementOutcome(
          seq,
          reading.concept(),
          reading.identity(),
          MeasurementOutcome.REJECTED,
          refused.reason(),
          null,
          null);
    }
    PatientBinder.Bound bound = (PatientBinder.Bound) binding;
    String identity = reading.identityFor(bound.patient().id());
    String deviceId =
        bound.deviceId() != null ? bound.deviceId() : sourceDevice(submission, reading, bound);
    deviceIds.put(seq, deviceId);
    Observation observation = ObservationFactory.observation(reading, bound.patient(), deviceId);
    try {
      ObservationWriter.Written written = writer.write(observation, reading.editedAt());
      return new MeasurementOutcome(
          seq,
          reading.concept(),
          identity,
          written.outcome(),
          written.reason(),
          written.id(),
          written.version());
    } catch (UnprocessableEntityException e) {
      return new MeasurementOutcome(
          seq,
          reading.concept(),
          identity,
          MeasurementOutcome.REJECTED,
          "invalid: " + e.getMessage(),
          null,
          null);
    }
  }

  /**
   * The Device of a reading whose payload names no registered device (a vendor cloud's device id,
   * an Open mHealth source): one per vendor device and patient, created the first time.
   */
  private String sourceDevice(Submission submission, Reading reading, PatientBinder.Bound bound) {
    DeviceInfo info = reading.device();
    String system = info == null ? VENDOR_SYSTEM : info.idSystem();
    String value = info == null ? submission.vendor() : info.systemId();
    String id = "d-" + hash(system + "|" + value + "|" + bound.patient().id()).substring(0, 40);
    try {
      devices.read(new IdType("Device", id), new SystemRequestDetails());
      return id;
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      Device device = new Device();
      device.setId(id);
      device.addIdentifier(new Identifier().setSystem(system).setValue(value));
      String vendorName = vendorName(submission.vendor());
      device.setManufacturer(
          info != null && info.manufacturer() != null ? info.manufacturer() : vendorName);
      device.setModelNumber(info != null && info.model() != null ? info.model() : "unknown");
      device.setSerialNumber(info != null && info.serial() != null ? info.serial() : value);
      if (info != null && info.model() != null) {
        device.addDeviceName().setName(info.model()).setType(Device.DeviceNameType.MODELNAME);
      }
      device.setOwner(vendorReference(submission.vendor()));
      device.setPatient(new Reference("Patient/" + bound.patient().id()));
      devices.update(device, new SystemRequestDetails());
      return id;
    }
  }

  /**
   * One Provenance per submission, naming every Observation version it created or updated: the
   * vendor, the devices, the bridge and the hash of the raw payload. Its id follows from the
   * submission, so a second run rewrites it instead of adding another.
   */
  private void writeProvenance(
      Submission submission,
      Optional<String> gateway,
      List<MeasurementOutcome> outcomes,
      Map<Integer, String> deviceIds) {
    List<MeasurementOutcome> stored = outcomes.stream().filter(MeasurementOutcome::stored).toList();
    if (stored.isEmpty()) {
      return;
    }
    Provenance provenance = new Provenance();
    provenance.setId("s-" + submission.id());
    for (MeasurementOutcome outcome : stored) {
      provenance.addTarget(
          new Reference(
              "Observation/"
                  + outcome.observationId()
                  + "/_history/"
                  + outcome.observationVersion()));
    }
    provenance.setRecorded(Date.from(submission.receivedAt()));
    provenance
        .addAgent()
        .setType(participant("custodian", "Custodian"))
        .setWho(vendorReference(submission.vendor()));
    provenance
        .addAgent()
        .setType(participant("assembler", "Assembler"))
        .setWho(new Reference().setDisplay("homemonitoring device-bridge " + BRIDGE_VERSION));
    stored.stream()
        .map(outcome -> deviceIds.get(outcome.seq()))
        .filter(java.util.Objects::nonNull)
        .distinct()
        .forEach(
            deviceId ->
                provenance
                    .addAgent()
                    .setType(participant("performer", "Performer"))
                    .setWho(new Reference("Device/" + deviceId)));
    gateway.ifPresent(
        id ->
            provenance
                .addAgent()
                .setType(participant("informant", "Informant"))
                .setWho(
                    new Reference()
                        .setIdentifier(new Identifier().setSystem(GATEWAY_SYSTEM).setValue(id))
                        .setDisplay("gateway " + id)));
    Provenance.ProvenanceEntityComponent entity = provenance.addEntity();
    entity.setRole(Provenance.ProvenanceEntityRole.SOURCE);
    entity.setWhat(
        new Reference()
            .setIdentifier(
                new Identifier()
                    .setSystem(PAYLOAD_HASH_SYSTEM)
                    .setValue(submission.payloadSha256()))
            .setDisplay(
                "%s payload, ingest submission %s"
                    .formatted(submission.format(), submission.id())));
    provenance.setActivity(
        new CodeableConcept(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/v3-DataOperation", "CREATE", "create")));
    writer.provenance(provenance);
  }

  private Reference vendorReference(String vendor) {
    return new Reference()
        .setIdentifier(new Identifier().setSystem(VENDOR_SYSTEM).setValue(vendor))
        .setDisplay(vendorName(vendor));
  }

  private String vendorName(String vendor) {
    IngestProperties.Vendor registered = properties.vendors().get(vendor);
    return registered != null && registered.name() != null ? registered.name() : vendor;
  }

  private static CodeableConcept participant(String code, String display) {
    return new CodeableConcept(new Coding(PARTICIPANT_TYPE, code, display));
  }

  static String hash(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
