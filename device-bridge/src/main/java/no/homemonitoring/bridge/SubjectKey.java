package no.homemonitoring.bridge;

/**
 * How a payload names the patient a measurement belongs to. The bridge resolves it against the
 * server's records; an adapter never guesses.
 *
 * @param kind what {@code value} is
 * @param system the identifier system (for {@link Kind#NATIONAL_ID}), else null
 * @param value the device id, vendor user id, national id or logical id
 * @param userIndex for {@link Kind#DEVICE}: the device's user index, or null when the device sent
 *     none
 */
public record SubjectKey(Kind kind, String system, String value, Integer userIndex) {

  /** A device's "unknown user" index (Bluetooth User ID 255). */
  public static final int UNKNOWN_USER = 255;

  public enum Kind {
    /** The device that measured (its PHD system id); the device's patient is the subject. */
    DEVICE,
    /** The vendor's own user id, registered on the patient. */
    VENDOR_USER,
    /** A national identifier (fødselsnummer, D-nummer, FHN). */
    NATIONAL_ID,
    /** A logical id of a Patient on this server. */
    PATIENT_ID
  }

  public static SubjectKey device(String systemId, Integer userIndex) {
    return new SubjectKey(Kind.DEVICE, null, systemId, userIndex);
  }

  public static SubjectKey vendorUser(String userId) {
    return new SubjectKey(Kind.VENDOR_USER, null, userId, null);
  }

  public static SubjectKey nationalId(String system, String value) {
    return new SubjectKey(Kind.NATIONAL_ID, system, value, null);
  }

  public static SubjectKey patientId(String id) {
    return new SubjectKey(Kind.PATIENT_ID, null, id, null);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case DEVICE -> "device " + value + (userIndex == null ? "" : " user " + userIndex);
      case VENDOR_USER -> "vendor user " + value;
      case NATIONAL_ID -> "national id " + system + "|" + value;
      case PATIENT_ID -> "Patient/" + value;
    };
  }
}
