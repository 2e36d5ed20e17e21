package no.homemonitoring.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Vendors with credentials made when the tests start (nothing secret is committed): one signs with
 * an HMAC-SHA256 secret, one with an Ed25519 key.
 */
final class TestVendors {

  static final String HMAC_VENDOR = "acme";
  static final String ED25519_VENDOR = "edvendor";

  static final String HMAC_SECRET;
  static final KeyPair ED25519_KEYS;

  static {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    HMAC_SECRET = HexFormat.of().formatHex(secret);
    try {
      ED25519_KEYS = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final java.util.concurrent.ConcurrentMap<String, Long> LAST_SIGNED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private TestVendors() {}

  static void register(DynamicPropertyRegistry registry) {
    registry.add("homemonitoring.ingest.vendors." + HMAC_VENDOR + ".name", () -> "Acme Home Care");
    registry.add(
        "homemonitoring.ingest.vendors." + HMAC_VENDOR + ".hmac-secret", () -> HMAC_SECRET);
    registry.add("homemonitoring.ingest.vendors." + ED25519_VENDOR + ".name", () -> "Ed Devices");
    registry.add(
        "homemonitoring.ingest.vendors." + ED25519_VENDOR + ".ed25519-public-key",
        TestVendors::ed25519PublicKeyPem);
    registry.add("homemonitoring.ingest.poll", () -> "200ms");
    registry.add("homemonitoring.ingest.first-retry", () -> "100ms");
    registry.add("homemonitoring.ingest.max-retry", () -> "400ms");
    registry.add("homemonitoring.ingest.max-attempts", () -> "3");
    registry.add("homemonitoring.ingest.quarantine-sweep", () -> "2s");
  }

  static String ed25519PublicKeyPem() {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(ED25519_KEYS.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** Signs and sends requests as one vendor. */
  record Client(String baseUrl, String vendor, HttpClient http) {

    static Client hmac(String baseUrl) {
      return new Client(baseUrl, HMAC_VENDOR, HttpClient.newHttpClient());
    }

    static Client ed25519(String baseUrl) {
      return new Client(baseUrl, ED25519_VENDOR, HttpClient.newHttpClient());
    }

    /**
     * Signs with the current second, or a later one if this very request was signed in this second
     * already: an identical signed request is a replay to the server, so a retransmission is signed
     * anew, as a vendor must.
     */
    HttpResponse<String> post(String path, byte[] body) throws Exception {
      String key = vendor + " " + path + " " + java.util.Arrays.hashCode(body);
      long now = Instant.now().getEpochSecond();
      long second = LAST_SIGNED.merge(key, now, (last, current) -> Math.max(last + 1, current));
      return post(path, body, Instant.ofEpochSecond(second));
    }

    HttpResponse<String> post(String path, byte[] body, Instant signedAt) throws Exception {
      return send(
          signed("POST", path, body, signedAt)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build());
    }

    HttpResponse<String> get(String path) throws Exception {
      return send(signed("GET", path, new byte[0], Instant.now()).GET().build());
    }

    HttpResponse<String> send(HttpRequest request) throws Exception {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A request to {@code path} with this vendor's signature headers for the given time. */
    HttpRequest.Builder signed(String method, String path, byte[] body, Instant at) {
      String timestamp = Long.toString(at.getEpochSecond());
      return HttpRequest.newBuilder(URI.create(baseUrl + path))
          .header("Content-Type", "application/json")
          .header("X-HM-Vendor", vendor)
          .header("X-HM-Timestamp", timestamp)
          .header("X-HM-Signature", signature(timestamp, method, path, body));
    }

    String signature(String timestamp, String method, String path, byte[] body) {
      byte[] head = (timestamp + "." + method + " " + path + "\n").getBytes(StandardCharsets.UTF_8);
      byte[] content = new byte[head.length + body.length];
      System.arraycopy(head, 0, content, 0, head.length);
      System.arraycopy(body, 0, content, head.length, body.length);
      try {
        if (HMAC_VENDOR.equals(vendor)) {
          Mac mac = Mac.getInstance("HmacSHA256");
          mac.init(new SecretKeySpec(HMAC_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
          return Base64.getEncoder().encodeToString(mac.doFinal(content));
        }
        PrivateKey key = ED25519_KEYS.getPrivate();
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key);
        signer.update(content);
        return Base64.getEncoder().encodeToString(signer.sign());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
