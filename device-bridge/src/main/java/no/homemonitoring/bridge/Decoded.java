package no.homemonitoring.bridge;

/**
 * What an adapter made of one measurement in a payload: a {@link Reading} to store, or the reason
 * it is not stored. Every measurement of a payload gets exactly one, so one bad value never hides
 * the good ones beside it.
 */
public sealed interface Decoded
    permits Reading, Decoded.Rejected, Decoded.Skipped, Decoded.AsReceived {

  /** A short name of the measurement (e.g. {@code bp-panel}), for the submission status. */
  String concept();

  /** The measurement's identity, when it is known. */
  String identity();

  /**
   * Invalid or implausible: not stored. The reason starts with a code such as {@code
   * implausible:spo2}.
   */
  record Rejected(String concept, String identity, String reason) implements Decoded {}

  /** Not a measurement (a goal, an unsuccessful measurement, a special value): nothing to store. */
  record Skipped(String concept, String identity, String reason) implements Decoded {}

  /**
   * An Observation of no home-monitoring measurement that a standard format carries beside the
   * measurements (a PHD Coincident Time Stamp, a status observation): stored as received, with only
   * its subject and device resolved.
   *
   * @param identity its identity; {@link Reading#PATIENT_TOKEN} stands for the patient's id
   */
  record AsReceived(
      String concept,
      String identity,
      SubjectKey subject,
      DeviceInfo device,
      org.hl7.fhir.r4.model.Observation observation)
      implements Decoded {}
}
