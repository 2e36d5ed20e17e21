package no.homemonitoring.benchmark;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs ingest requests as one vendor with its HMAC-SHA256 secret, as the server's ingest API
 * ({@code /ingest/openapi.yaml}) wants them: base64 of the HMAC over {@code <timestamp>.<METHOD>
 * <path>\n<body>}.
 */
final class VendorSigner {

  static final String VENDOR_HEADER = "X-HM-Vendor";
  static final String TIMESTAMP_HEADER = "X-HM-Timestamp";
  static final String SIGNATURE_HEADER = "X-HM-Signature";
  private static final String HMAC_SHA256 = "HmacSHA256";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final String vendor;
  private final SecretKeySpec key;

  VendorSigner(String vendor, String secret) {
    this.vendor = vendor;
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC_SHA256);
  }

  /** A secret made for one benchmark: 32 random bytes in hex, never written to a file. */
  static String randomSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return HexFormat.of().formatHex(secret);
  }

  String vendor() {
    return vendor;
  }

  /** What the vendor signs: the timestamp, the method and path, and the body's raw bytes. */
  static byte[] signedContent(long epochSeconds, String method, String path, byte[] body) {
    byte[] head =
        (epochSeconds + "." + method + " " + path + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] content = new byte[head.length + body.length];
    System.arraycopy(head, 0, content, 0, head.length);
    System.arraycopy(body, 0, content, head.length, body.length);
    return content;
  }

  String signature(long epochSeconds, String method, String path, byte[] body) {
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256);
      mac.init(key);
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(signedContent(epochSeconds, method, path, body)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
    }
  }

  /**
   * A signed POST of {@code body} to {@code path} (e.g. {@code /ingest/openmhealth}) on the server
   * at {@code root}, signed at {@code now}. The server accepts a push signature once, so every body
   * must differ.
   */
  HttpRequest post(String root, String path, byte[] body, Instant now) {
    return signed(root, "POST", path, body, now)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private HttpRequest.Builder signed(
      String root, String method, String path, byte[] body, Instant now) {
    long timestamp = now.getEpochSecond();
    return HttpRequest.newBuilder(URI.create(root + path))
        .timeout(REQUEST_TIMEOUT)
        .header(VENDOR_HEADER, vendor)
        .header(TIMESTAMP_HEADER, Long.toString(timestamp))
        .header(SIGNATURE_HEADER, signature(timestamp, method, path, body));
  }
}
