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
import java.time.Instant;
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
import org.hl7.fhir.r4.model.Bundle;
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

  /** The identifier system of vendor ids (the ingest API's {@code X-HM-Vendor}). */
  public static final String VENDOR_SYSTEM = Terminology.BASE + "/sid/vendor";

  static final String GATEWAY_SYSTEM = Terminology.BASE + "/sid/gateway";
  private static final String PARTICIPANT_TYPE =
      "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

  private final Map<String, VendorAdapter> adapters;
  private final PatientBinder binder;
  private final ObservationSink writer;
  private final IFhirResourceDao<Device> devices;
  private final IngestProperties properties;
  private final BatchWrites batchWrites;

  /** The in-process store's batch operations; absent in adapter mode. */
  public interface BatchWrites {
    /** The stored Observations among these ids. */
    Map<String, Observation> existing(List<String> ids);

    /** Runs a FHIR transaction. */
    void transaction(Bundle transaction);
  }

  public IngestProcessor(
      List<VendorAdapter> adapters,
      PatientBinder binder,
      ObservationSink writer,
      DaoRegistry daos,
      IngestProperties properties,
      BatchWrites batchWrites) {
    this.batchWrites = batchWrites;
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
   * Whether a submission can be processed with others in one transaction ({@link #processBatch}):
   * the formats whose decoding is pure and local, when the Observations stay in this server.
   */
  public boolean batchable(Submission submission) {
    return batchWrites != null
        && adapter(submission.format())
            .filter(a -> !a.answersSynchronously())
            .filter(a -> BATCHED_FORMATS.contains(a.format()))
            .isPresent();
  }

  private static final java.util.Set<String> BATCHED_FORMATS =
      java.util.Set.of("openmhealth", "gatt");

  /**
   * The outcomes of several submissions, stored in one FHIR transaction: every Observation that is
   * new or edited and each submission's Provenance commit together or not at all. Bindings, source
   * Devices and the lookup of existing Observations are shared by the batch, so a busy inbox costs
   * far less per measurement than one submission at a time. Throws when anything fails; the caller
   * then processes the submissions one by one ({@link #process}), which tells a bad measurement
   * from a failing store.
   */
  public Map<String, List<MeasurementOutcome>> processBatch(
      List<Submission> batch, Function<String, List<MeasurementOutcome>> earlierOutcomes) {
    Map<String, PatientBinder.Binding> bindings = new java.util.HashMap<>();
    Map<String, String> sourceDevices = new java.util.HashMap<>();
    Map<String, MeasurementOutcome[]> results = new java.util.LinkedHashMap<>();
    Map<String, Map<Integer, String>> deviceIdsBySubmission = new java.util.HashMap<>();
    List<PlannedWrite> planned = new ArrayList<>();
    for (Submission submission : batch) {
      VendorAdapter adapter =
          adapter(submission.format())
              .orElseThrow(
                  () -> new IllegalStateException("No adapter for " + submission.format()));
      List<Decoded> decoded = adapter.decode(submission.payload(), submission.receivedAt());
      MeasurementOutcome[] result = new MeasurementOutcome[decoded.size()];
      Map<Integer, String> deviceIds = new java.util.HashMap<>();
      for (int seq = 0; seq < decoded.size(); seq++) {
        Decoded one = decoded.get(seq);
        if (!(one instanceof Reading reading)) {
          result[seq] = outcome(submission, seq, one, deviceIds);
          continue;
        }
        String bindingKey =
            submission.vendor()
                + "\n"
                + reading.subject()
                + "\n"
                + new java.util.TreeSet<>(reading.flags());
        PatientBinder.Binding binding =
            bindings.computeIfAbsent(bindingKey, key -> binder.bind(submission.vendor(), reading));
        if (!(binding instanceof PatientBinder.Bound bound)) {
          result[seq] = unbound(seq, reading, binding, false);
          continue;
        }
        String deviceId = bound.deviceId();
        if (deviceId == null) {
          deviceId =
              sourceDevices.computeIfAbsent(
                  sourceDeviceId(submission, reading.device(), bound),
                  id -> sourceDevice(submission, reading, bound));
        }
        deviceIds.put(seq, deviceId);
        Observation observation =
            ObservationFactory.observation(reading, bound.patient(), deviceId);
        if (reading.editedAt() != null) {
          observation.setIssued(Date.from(reading.editedAt()));
        }
        planned.add(
            new PlannedWrite(
                submission.id(),
                seq,
                reading,
                reading.identityFor(bound.patient().id()),
                observation));
      }
      results.put(submission.id(), result);
      deviceIdsBySubmission.put(submission.id(), deviceIds);
    }

    Map<String, Observation> existing =
        batchWrites.existing(
            planned.stream()
                .map(p -> p.observation().getIdElement().getIdPart())
                .distinct()
                .toList());
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Map<String, Bundle.BundleEntryComponent> entries = new java.util.HashMap<>();
    Map<String, Observation> latest = new java.util.HashMap<>(existing);
    Map<String, String> versions = new java.util.HashMap<>();
    existing.forEach((id, o) -> versions.put(id, o.getIdElement().getVersionIdPart()));
    for (PlannedWrite write : planned) {
      Observation observation = write.observation();
      String id = observation.getIdElement().getIdPart();
      Observation base = latest.get(id);
      String outcome;
      String reason = null;
      Instant editedAt = write.reading().editedAt();
      if (base == null) {
        outcome = MeasurementOutcome.CREATED;
        versions.put(id, "1");
        latest.put(id, observation);
        entries.put(id, put(transaction, observation));
      } else if (ObservationWriter.sameContent(base, observation)) {
        outcome = MeasurementOutcome.DUPLICATE;
        reason = "already stored";
      } else if (editedAt != null
          && (!base.hasIssued() || editedAt.isAfter(base.getIssued().toInstant()))) {
        outcome = MeasurementOutcome.UPDATED;
        reason = "edited by the vendor";
        latest.put(id, observation);
        Bundle.BundleEntryComponent entry = entries.get(id);
        if (entry != null) {
          entry.setResource(observation); // written once in this transaction: the later edit
        } else {
          versions.put(id, Long.toString(Long.parseLong(versions.get(id)) + 1));
          entries.put(id, put(transaction, observation));
        }
      } else {
        outcome = MeasurementOutcome.DUPLICATE;
        reason =
            editedAt != null
                ? "not-newer: the stored version is as new as this edit; kept"
                : "conflict: a different value under the same identity without an edit signal;"
                    + " the first is kept";
      }
      results.get(write.submissionId())[write.seq()] =
          new MeasurementOutcome(
              write.seq(),
              write.reading().concept(),
              write.identity(),
              outcome,
              reason,
              id,
              versions.get(id),
              observation.getSubject().getReferenceElement().getIdPart());
    }

    Map<String, List<MeasurementOutcome>> outcomes = new java.util.LinkedHashMap<>();
    for (Submission submission : batch) {
      List<MeasurementOutcome> result = new ArrayList<>(List.of(results.get(submission.id())));
      Map<Integer, MeasurementOutcome> before =
          earlierOutcomes.apply(submission.id()).stream()
              .collect(Collectors.toMap(MeasurementOutcome::seq, Function.identity()));
      for (int seq = 0; seq < result.size(); seq++) {
        MeasurementOutcome previous = before.get(seq);
        if (previous != null
            && previous.stored()
            && MeasurementOutcome.DUPLICATE.equals(result.get(seq).outcome())) {
          result.set(seq, previous);
        }
      }
      VendorAdapter adapter = adapter(submission.format()).orElseThrow();
      Provenance provenance =
          provenance(
              submission,
              adapter.gateway(submission.payload()),
              result,
              deviceIdsBySubmission.get(submission.id()));
      if (provenance != null) {
        put(transaction, provenance);
      }
      outcomes.put(submission.id(), result);
    }
    if (transaction.hasEntry()) {
      batchWrites.transaction(transaction);
    }
    return outcomes;
  }

  private record PlannedWrite(
      String submissionId, int seq, Reading reading, String identity, Observation observation) {}

  private static Bundle.BundleEntryComponent put(
      Bundle transaction, org.hl7.fhir.r4.model.Resource resource) {
    String url = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    Bundle.BundleEntryComponent entry = transaction.addEntry();
    entry.setFullUrl(url);
    entry.setResource(resource);
    entry.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(url);
    return entry;
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
      } else if (one instanceof Reading || one instanceof Decoded.AsReceived) {
        PatientBinder.Binding binding =
            one instanceof Reading reading
                ? binder.bind(vendor, reading)
                : binder.bind(vendor, ((Decoded.AsReceived) one).subject());
        if (binding instanceof PatientBinder.Quarantine quarantine) {
          problems.add("entry %d: %s".formatted(seq, quarantine.reason()));
        } else if (binding instanceof PatientBinder.Refused refused) {
          problems.add("entry %d: %s".formatted(seq, refused.reason()));
        }
      }
    }
    return problems;
  }

  /**
   * The outcome of a reading bound to no patient the vendor may write for: quarantined until the
   * binding appears, or rejected when the vendor may not write for that patient or the sender waits
   * for the answer.
   */
  private static MeasurementOutcome unbound(
      int seq, Reading reading, PatientBinder.Binding binding, boolean answered) {
    if (binding instanceof PatientBinder.Quarantine quarantine) {
      return MeasurementOutcome.notStored(
          seq,
          reading.concept(),
          reading.identity(),
          answered ? MeasurementOutcome.REJECTED : MeasurementOutcome.QUARANTINED,
          quarantine.reason());
    }
    return MeasurementOutcome.notStored(
        seq,
        reading.concept(),
        reading.identity(),
        MeasurementOutcome.REJECTED,
        ((PatientBinder.Refused) binding).reason());
  }

  private MeasurementOutcome outcome(
      Submission submission, int seq, Decoded decoded, Map<Integer, String> deviceIds) {
    if (decoded instanceof Decoded.Rejected rejected) {
      return MeasurementOutcome.notStored(
          seq,
          rejected.concept(),
          rejected.identity(),
          MeasurementOutcome.REJECTED,
          rejected.reason());
    }
    if (decoded instanceof Decoded.Skipped skipped) {
      return MeasurementOutcome.notStored(
          seq, skipped.concept(), skipped.identity(), MeasurementOutcome.SKIPPED, skipped.reason());
    }
    if (decoded instanceof Decoded.AsReceived received) {
      return asReceived(submission, seq, received, deviceIds);
    }
    Reading reading = (Reading) decoded;
    PatientBinder.Binding binding = binder.bind(submission.vendor(), reading);
    if (!(binding instanceof PatientBinder.Bound bound)) {
      // A sender that waits for the answer is told now; nothing is held behind its back.
      boolean answered =
          adapter(submission.format()).map(VendorAdapter::answersSynchronously).orElse(false);
      return unbound(seq, reading, binding, answered);
    }
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
          written.version(),
          bound.patient().id());
    } catch (UnprocessableEntityException e) {
      return MeasurementOutcome.notStored(
          seq,
          reading.concept(),
          identity,
          MeasurementOutcome.REJECTED,
          "invalid: " + e.getMessage());
    }
  }

  /**
   * An Observation stored as the sender made it: its id and bridge identifier follow from its
   * identity, its subject and device are this server's; nothing else is changed or judged.
   */
  private MeasurementOutcome asReceived(
      Submission submission, int seq, Decoded.AsReceived received, Map<Integer, String> deviceIds) {
    PatientBinder.Binding binding = binder.bind(submission.vendor(), received.subject());
    if (!(binding instanceof PatientBinder.Bound bound)) {
      String reason =
          binding instanceof PatientBinder.Quarantine q
              ? q.reason()
              : ((PatientBinder.Refused) binding).reason();
      return MeasurementOutcome.notStored(
          seq, received.concept(), received.identity(), MeasurementOutcome.REJECTED, reason);
    }
    String identity = received.identity().replace(Reading.PATIENT_TOKEN, bound.patient().id());
    Observation observation = received.observation().copy();
    observation.setId(ObservationFactory.observationId(identity));
    observation.addIdentifier(
        new Identifier().setSystem(ObservationFactory.IDENTITY_SYSTEM).setValue(identity));
    observation.setSubject(new Reference("Patient/" + bound.patient().id()));
    String deviceId =
        bound.deviceId() != null
            ? bound.deviceId()
            : received.device() == null ? null : sourceDevice(submission, received.device(), bound);
    if (deviceId != null) {
      deviceIds.put(seq, deviceId);
      observation.setDevice(new Reference("Device/" + deviceId));
    } else {
      observation.setDevice(null);
    }
    try {
      ObservationWriter.Written written = writer.write(observation, null);
      return new MeasurementOutcome(
          seq,
          received.concept(),
          identity,
          written.outcome(),
          written.reason() == null ? "stored as received" : written.reason(),
          written.id(),
          written.version(),
          bound.patient().id());
    } catch (UnprocessableEntityException e) {
      return MeasurementOutcome.notStored(
          seq,
          received.concept(),
          identity,
          MeasurementOutcome.REJECTED,
          "invalid: " + e.getMessage());
    }
  }

  /**
   * The Device of a reading whose payload names no registered device (a vendor cloud's device id,
   * an Open mHealth source): one per vendor device and patient, created the first time.
   */
  private String sourceDevice(Submission submission, Reading reading, PatientBinder.Bound bound) {
    return sourceDevice(submission, reading.device(), bound);
  }

  /** The id of the source Device of a vendor device and patient. */
  private static String sourceDeviceId(
      Submission submission, DeviceInfo info, PatientBinder.Bound bound) {
    String system = info == null ? VENDOR_SYSTEM : info.idSystem();
    String value = info == null ? submission.vendor() : info.systemId();
    return "d-" + hash(system + "|" + value + "|" + bound.patient().id()).substring(0, 40);
  }

  private String sourceDevice(Submission submission, DeviceInfo info, PatientBinder.Bound bound) {
    String system = info == null ? VENDOR_SYSTEM : info.idSystem();
    String value = info == null ? submission.vendor() : info.systemId();
    String id = sourceDeviceId(submission, info, bound);
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
    Provenance provenance = provenance(submission, gateway, outcomes, deviceIds);
    if (provenance != null) {
      writer.provenance(provenance);
    }
  }

  /** The Provenance of a submission, or null when it stored nothing. */
  private Provenance provenance(
      Submission submission,
      Optional<String> gateway,
      List<MeasurementOutcome> outcomes,
      Map<Integer, String> deviceIds) {
    List<MeasurementOutcome> stored = outcomes.stream().filter(MeasurementOutcome::stored).toList();
    if (stored.isEmpty()) {
      return null;
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
    return provenance;
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
