package no.homemonitoring.bridge.withings;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Withings data notification: the webhook's form body. It carries no values, only whose data
 * changed and when; the bridge pulls the values with the user's token.
 *
 * @param userId the Withings user id
 * @param appli the data category (1 weight and body composition, 4 blood pressure, pulse and SpO2,
 *     others for temperature, activity, sleep, ...)
 * @param startDate start of the changed window, or null if the category sends none
 * @param endDate end of the changed window, or null if the category sends none
 * @param others the other fields as sent (e.g. {@code date}, {@code deviceid}, {@code action})
 */
public record WithingsNotification(
    String userId, int appli, Instant startDate, Instant endDate, Map<String, String> others) {

  /** The categories that carry measurements the bridge stores. */
  private static final Set<Integer> MEASUREMENT_CATEGORIES = Set.of(1, 4);

  public WithingsNotification {
    others = Map.copyOf(others);
  }

  /** Whether the notification is about weight or blood pressure, pulse and SpO2 (worth a pull). */
  public boolean isMeasurementCategory() {
    return MEASUREMENT_CATEGORIES.contains(appli);
  }

  /** Parses an {@code application/x-www-form-urlencoded} body (UTF-8). */
  public static WithingsNotification parse(byte[] body) {
    return parse(new String(body, StandardCharsets.UTF_8));
  }

  /**
   * Parses an {@code application/x-www-form-urlencoded} body.
   *
   * @throws MalformedNotificationException if a field is missing, repeated or not a number where
   *     one is expected, or the encoding is broken; a measurement category must give its window
   */
  public static WithingsNotification parse(String form) {
    Map<String, String> fields = fields(form.strip());
    String userId = fields.remove("userid");
    if (userId == null || !userId.matches("[0-9]+")) {
      throw new MalformedNotificationException(
          "Withings notification without a numeric userid: '" + form + "'");
    }
    String appli = fields.remove("appli");
    if (appli == null || !appli.matches("[0-9]{1,9}")) {
      throw new MalformedNotificationException(
          "Withings notification without a numeric appli: '" + form + "'");
    }
    Instant startDate = epochSecond(fields.remove("startdate"), "startdate", form);
    Instant endDate = epochSecond(fields.remove("enddate"), "enddate", form);
    WithingsNotification notification =
        new WithingsNotification(userId, Integer.parseInt(appli), startDate, endDate, fields);
    if (notification.isMeasurementCategory() && (startDate == null || endDate == null)) {
      throw new MalformedNotificationException(
          "Withings measurement notification without startdate and enddate: '" + form + "'");
    }
    if (startDate != null && endDate != null && startDate.isAfter(endDate)) {
      throw new MalformedNotificationException(
          "Withings notification with startdate after enddate: '" + form + "'");
    }
    return notification;
  }

  private static Map<String, String> fields(String form) {
    Map<String, String> fields = new TreeMap<>();
    if (form.isEmpty()) {
      return fields;
    }
    for (String pair : form.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals), form);
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1), form);
      if (fields.put(name, value) != null) {
        throw new MalformedNotificationException(
            "Withings notification with '" + name + "' twice: '" + form + "'");
      }
    }
    return fields;
  }

  private static String decode(String encoded, String form) {
    try {
      return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new MalformedNotificationException(
          "Withings notification with a broken %-escape: '" + form + "'", e);
    }
  }

  private static Instant epochSecond(String value, String name, String form) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.ofEpochSecond(Long.parseLong(value));
    } catch (NumberFormatException | DateTimeException e) {
      throw new MalformedNotificationException(
          "Withings notification with a " + name + " that is not epoch seconds: '" + form + "'", e);
    }
  }
}
