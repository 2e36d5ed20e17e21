package no.homemonitoring.server.ingest;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import no.homemonitoring.bridge.BoundPatient;
import no.homemonitoring.bridge.DeviceInfo;
import no.homemonitoring.bridge.Reading;
import no.homemonitoring.bridge.SubjectKey;
import no.homemonitoring.terminology.Terminology;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * Finds the patient a reading belongs to, from the server's own records, and checks that the vendor
 * may write for that patient. Nothing is guessed: what cannot be bound is quarantined.
 *
 * <p>Records it reads: a Device with the reading's PHD system id and its {@code Device.patient}; a
 * Patient with the vendor's user id as an identifier in the system {@link #vendorUserSystem}; a
 * Patient by national id. A patient is enrolled with a vendor when it carries an identifier in that
 * vendor's user system (for a device-only vendor any value, e.g. the contract number).
 */
public class PatientBinder {

  /** National id systems, in the order they are preferred for an Observation's subject. */
  static final List<String> NATIONAL_ID_SYSTEMS =
      List.of(
          "urn:oid:2.16.578.1.12.4.1.4.1",
          "urn:oid:2.16.578.1.12.4.1.4.2",
          "urn:oid:2.16.578.1.12.4.1.4.3");

  /** The flag an adapter sets when the vendor itself is unsure whose measurement it is. */
  static final Set<String> UNCERTAIN_OWNER_FLAGS = Set.of("ambiguous-owner");

  private final IFhirResourceDao<Patient> patients;
  private final IFhirResourceDao<Device> devices;

  /** What binding a reading came to. */
  public sealed interface Binding {}

  /** Bound: the patient, and the Device the payload's device is, if one is registered. */
  public record Bound(BoundPatient patient, String deviceId) implements Binding {}

  /** Not bound yet: held until a Device or Patient record says whose it is. */
  public record Quarantine(String reason) implements Binding {}

  /** Bound, but to a patient the vendor may not write for. */
  public record Refused(String reason) implements Binding {}

  public PatientBinder(DaoRegistry daos) {
    this.patients = daos.getResourceDao(Patient.class);
    this.devices = daos.getResourceDao(Device.class);
  }

  /** The identifier system of a vendor's user ids (also its enrollment marker). */
  public static String vendorUserSystem(String vendor) {
    return Terminology.BASE + "/sid/vendor-user/" + vendor;
  }

  public Binding bind(String vendor, Reading reading) {
    if (reading.flags().stream().anyMatch(UNCERTAIN_OWNER_FLAGS::contains)) {
      return new Quarantine("ambiguous-owner: the vendor is not sure whose measurement this is");
    }
    return bind(vendor, reading.subject());
  }

  /** The binding of a subject as a payload names it. */
  public Binding bind(String vendor, SubjectKey subject) {
    return switch (subject.kind()) {
      case DEVICE -> bindByDevice(vendor, subject);
      case VENDOR_USER ->
          search(patients, vendorUserSystem(vendor), subject.value())
              .map(patient -> (Binding) bound(patient, null))
              .orElseGet(
                  () ->
                      new Quarantine(
                          "unknown-user: no patient has %s user id %s"
                              .formatted(vendor, subject.value())));
      case NATIONAL_ID ->
          search(patients, subject.system(), subject.value())
              .map(patient -> enrolled(vendor, patient, null))
              .orElseGet(() -> new Quarantine("unknown-patient: no patient has this national id"));
      case PATIENT_ID ->
          read(subject.value())
              .map(patient -> enrolled(vendor, patient, null))
              .orElseGet(
                  () ->
                      new Quarantine(
                          "unknown-patient: Patient/" + subject.value() + " is unknown"));
    };
  }

  private Binding bindByDevice(String vendor, SubjectKey subject) {
    String systemId = subject.value().toUpperCase(Locale.ROOT);
    Optional<Device> device = search(devices, DeviceInfo.PHD_SYSTEM_ID, systemId);
    if (device.isEmpty()) {
      return new Quarantine("unknown-device: no Device has PHD system id " + systemId);
    }
    Integer user = subject.userIndex();
    if (user != null && user == SubjectKey.UNKNOWN_USER) {
      return new Quarantine("unknown-user: device " + systemId + " reported user 255 (unknown)");
    }
    if (user != null && user != 1) {
      return new Quarantine(
          "unbound-user-index: device " + systemId + " user " + user + " is bound to no patient");
    }
    if (!device.get().hasPatient()) {
      return new Quarantine("device-not-bound: Device with " + systemId + " names no patient");
    }
    String patientId = device.get().getPatient().getReferenceElement().getIdPart();
    String deviceId = device.get().getIdElement().getIdPart();
    return read(patientId)
        .map(patient -> enrolled(vendor, patient, deviceId))
        .orElseGet(
            () ->
                new Quarantine(
                    "unknown-patient: the device's Patient/" + patientId + " is unknown"));
  }

  private Binding enrolled(String vendor, Patient patient, String deviceId) {
    String system = vendorUserSystem(vendor);
    if (patient.getIdentifier().stream().noneMatch(id -> system.equals(id.getSystem()))) {
      return new Refused(
          "not-enrolled: Patient/%s is not enrolled with vendor %s"
              .formatted(patient.getIdElement().getIdPart(), vendor));
    }
    return bound(patient, deviceId);
  }

  private static Binding bound(Patient patient, String deviceId) {
    Identifier national =
        NATIONAL_ID_SYSTEMS.stream()
            .flatMap(
                system ->
                    patient.getIdentifier().stream().filter(id -> system.equals(id.getSystem())))
            .findFirst()
            .orElse(null);
    if (national == null) {
      return new Quarantine(
          "no-national-id: Patient/" + patient.getIdElement().getIdPart() + " has no national id");
    }
    HumanName name = patient.getNameFirstRep();
    String display = name.isEmpty() ? null : name.getNameAsSingleString();
    return new Bound(
        new BoundPatient(
            patient.getIdElement().getIdPart(), national.getSystem(), national.getValue(), display),
        deviceId);
  }

  private Optional<Patient> read(String id) {
    try {
      return Optional.of(patients.read(new IdType("Patient", id), new SystemRequestDetails()));
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return Optional.empty();
    }
  }

  private static <T extends IBaseResource> Optional<T> search(
      IFhirResourceDao<T> dao, String system, String value) {
    SearchParameterMap map =
        SearchParameterMap.newSynchronous("identifier", new TokenParam(system, value));
    map.setCount(2);
    List<IBaseResource> found = dao.search(map, new SystemRequestDetails()).getResources(0, 2);
    if (found.size() != 1) {
      return Optional.empty();
    }
    @SuppressWarnings("unchecked")
    T resource = (T) found.get(0);
    return Optional.of(resource);
  }
}
