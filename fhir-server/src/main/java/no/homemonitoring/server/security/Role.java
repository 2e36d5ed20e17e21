package no.homemonitoring.server.security;

/** What a caller is to the server; decides the rules its requests are held to. */
public enum Role {
  /** Home-care nurse: patients of their own municipality or care team, read and write. */
  NURSE,
  /** Hospital specialist: patients with a recorded care relation; writes only observations. */
  SPECIALIST,
  /** A measurement vendor: the ingest API only. */
  VENDOR,
  /** A patient's relative (a RelatedPerson): only what an active Consent of the patient grants. */
  RELATIVE,
  /** The patient: own data; grants and withdraws relatives' consents. */
  PATIENT,
  /** Configuration and conformance resources; no clinical data. */
  ADMIN,
  /**
   * A backend integration of the care provider (SMART backend services, {@code system/} scopes):
   * what its scopes name, nothing more.
   */
  SYSTEM
}
