package no.homemonitoring.bridge;

/**
 * The device a reading came from, as far as the payload says.
 *
 * @param systemId the IEEE EUI-64 system id (16 hex digits, upper case) or the vendor's device id
 * @param idSystem the identifier system of {@code systemId}
 * @param kind the kind of device ({@code cuff}, {@code scale}, {@code oximeter}), or null
 * @param manufacturer manufacturer, or null
 * @param model model name, or null
 * @param serial serial number, or null
 */
public record DeviceInfo(
    String systemId,
    String idSystem,
    String kind,
    String manufacturer,
    String model,
    String serial) {

  /** The PHD system id (IEEE EUI-64) identifier system. */
  public static final String PHD_SYSTEM_ID = "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680";
}
