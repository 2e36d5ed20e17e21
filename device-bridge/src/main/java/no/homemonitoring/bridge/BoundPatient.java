package no.homemonitoring.bridge;

/**
 * The patient a reading was bound to.
 *
 * @param id the Patient's logical id on the server
 * @param nationalIdSystem the system of the patient's national id
 * @param nationalId the national id (the Observation names the patient by reference and by it)
 * @param display the patient's name, or null
 */
public record BoundPatient(String id, String nationalIdSystem, String nationalId, String display) {}
