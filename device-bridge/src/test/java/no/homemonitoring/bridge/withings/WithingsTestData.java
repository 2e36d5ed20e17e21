package no.homemonitoring.bridge.withings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The example files of the formats reference, and Getmeas responses built for one case each. */
final class WithingsTestData {

  /** The Withings user of the examples (bound to the test patient P1). */
  static final String USER = "38271234";

  /** 2025-01-06T07:00:00Z, a Monday in January (Oslo at +01:00). */
  static final long JANUARY = Instant.parse("2025-01-06T07:00:00Z").getEpochSecond();

  private WithingsTestData() {}

  static byte[] example(String name) {
    try (InputStream in = WithingsTestData.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("No test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A success page in Europe/Oslo with these groups. */
  static byte[] page(String... groups) {
    return pageIn("Europe/Oslo", groups);
  }

  /** A success page whose body names this zone (null: none). */
  static byte[] pageIn(String zone, String... groups) {
    String timezone = zone == null ? "" : "\"timezone\": \"%s\",".formatted(zone);
    return """
        {"status": 0, "body": {"updatetime": %d, %s "more": 0, "offset": 0,
         "measuregrps": [%s]}}
        """
        .formatted(JANUARY + 3600, timezone, String.join(",", groups))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A device group of category 1 and attrib 0 at {@code date}, without a zone of its own. */
  static String group(long groupId, long date, String... measures) {
    return group(groupId, 0, 1, date, measures);
  }

  static String group(long groupId, int attrib, int category, long date, String... measures) {
    return """
        {"grpid": %d, "attrib": %d, "date": %d, "created": %d, "modified": %d,
         "category": %d, "deviceid": "00112233445566778899aabbccddeeff00112233",
         "hash_deviceid": "00112233445566778899aabbccddeeff00112233",
         "model": "Test device", "modelid": 1, "measures": [%s]}
        """
        .formatted(
            groupId, attrib, date, date + 20, date + 20, category, String.join(",", measures));
  }

  static String measure(int type, long value, int exponent) {
    return "{\"value\": %d, \"type\": %d, \"unit\": %d}".formatted(value, type, exponent);
  }
}
