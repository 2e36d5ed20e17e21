package no.homemonitoring.server.ingest;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Checks that a push comes from the vendor it names: a signature over the timestamp and the body,
 * by the vendor's HMAC-SHA256 secret or Ed25519 key, with a timestamp inside the replay window, and
 * a signature not used before. Which algorithm applies is the vendor's registration, never the
 * request's choice.
 *
 * <p>Signed content: {@code <timestamp>.<method> <path>\n<body>} (decimal epoch seconds, a full
 * stop, the HTTP method, a space, the request path, a line feed, the raw body bytes). Headers:
 * {@value #VENDOR_HEADER}, {@value #TIMESTAMP_HEADER}, {@value #SIGNATURE_HEADER} (base64).
 */
public class VendorAuthenticator {

  public static final String VENDOR_HEADER = "X-HM-Vendor";
  public static final String TIMESTAMP_HEADER = "X-HM-Timestamp";
  public static final String SIGNATURE_HEADER = "X-HM-Signature";

  private final Map<String, Credential> credentials = new HashMap<>();
  private final Duration replayWindow;
  private final SubmissionStore store;
  private final Clock clock;

  /** A refused request; the message is for the log, the vendor sees only "not authenticated". */
  public static final class AuthenticationException extends RuntimeException {
    AuthenticationException(String message) {
      super(message);
    }
  }

  private sealed interface Credential {
    boolean verifies(byte[] content, byte[] signature) throws GeneralSecurityException;
  }

  private record HmacSecret(byte[] secret) implements Credential {
    @Override
    public boolean verifies(byte[] content, byte[] signature) throws GeneralSecurityException {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return MessageDigest.isEqual(mac.doFinal(content), signature);
    }
  }

  private record Ed25519Key(PublicKey key) implements Credential {
    @Override
    public boolean verifies(byte[] content, byte[] signature) throws GeneralSecurityException {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(content);
      return verifier.verify(signature);
    }
  }

  public VendorAuthenticator(IngestProperties properties, SubmissionStore store, Clock clock) {
    this.replayWindow = properties.replayWindow();
    this.store = store;
    this.clock = clock;
    properties.vendors().forEach((id, vendor) -> credentials.put(id, credential(id, vendor)));
  }

  private static Credential credential(String id, IngestProperties.Vendor vendor) {
    boolean hmac = vendor.hmacSecret() != null && !vendor.hmacSecret().isBlank();
    boolean ed25519 = vendor.ed25519PublicKey() != null && !vendor.ed25519PublicKey().isBlank();
    if (hmac == ed25519) {
      throw new IllegalStateException(
          "Vendor '" + id + "' needs exactly one of hmac-secret or ed25519-public-key");
    }
    if (hmac) {
      return new HmacSecret(vendor.hmacSecret().getBytes(StandardCharsets.UTF_8));
    }
    try (PEMParser parser = new PEMParser(new StringReader(vendor.ed25519PublicKey()))) {
      Object pem = parser.readObject();
      if (!(pem instanceof SubjectPublicKeyInfo info)) {
        throw new IllegalStateException(
            "Vendor '" + id + "': ed25519-public-key is not a PEM public key");
      }
      PublicKey key = new JcaPEMKeyConverter().getPublicKey(info);
      if (!"Ed25519".equalsIgnoreCase(key.getAlgorithm())
          && !"EdDSA".equalsIgnoreCase(key.getAlgorithm())) {
        throw new IllegalStateException(
            "Vendor '" + id + "': the public key is " + key.getAlgorithm() + ", not Ed25519");
      }
      return new Ed25519Key(key);
    } catch (IOException e) {
      throw new IllegalStateException("Vendor '" + id + "': cannot read the public key", e);
    }
  }

  /** Whether a vendor with this id is registered. */
  public boolean knows(String vendor) {
    return credentials.containsKey(vendor);
  }

  /**
   * The vendor of a signed request that changes state: its signature is accepted once.
   *
   * @throws AuthenticationException if any check fails
   */
  public String authenticate(String vendor, String timestamp, String signature, byte[] content) {
    return check(vendor, timestamp, signature, content, true);
  }

  /**
   * The vendor of a signed read. A read changes nothing and answers only what the signer may see,
   * so its signature may be used again within the window (status polls come more often than once a
   * second).
   *
   * @throws AuthenticationException if any check fails
   */
  public String authenticateRead(
      String vendor, String timestamp, String signature, byte[] content) {
    return check(vendor, timestamp, signature, content, false);
  }

  private String check(
      String vendor, String timestamp, String signature, byte[] body, boolean singleUse) {
    if (vendor == null || timestamp == null || signature == null) {
      throw new AuthenticationException(
          "missing " + VENDOR_HEADER + ", " + TIMESTAMP_HEADER + " or " + SIGNATURE_HEADER);
    }
    Credential credential = credentials.get(vendor);
    if (credential == null) {
      throw new AuthenticationException("unknown vendor " + vendor);
    }
    Instant signedAt;
    try {
      signedAt = Instant.ofEpochSecond(Long.parseLong(timestamp.trim()));
    } catch (NumberFormatException e) {
      throw new AuthenticationException("timestamp is not epoch seconds");
    }
    Instant now = clock.instant();
    if (Duration.between(signedAt, now).abs().compareTo(replayWindow) > 0) {
      throw new AuthenticationException("timestamp outside the replay window");
    }
    byte[] signatureBytes;
    try {
      signatureBytes = Base64.getDecoder().decode(signature.trim());
    } catch (IllegalArgumentException e) {
      throw new AuthenticationException("signature is not base64");
    }
    byte[] prefix = (timestamp.trim() + ".").getBytes(StandardCharsets.UTF_8);
    byte[] content = new byte[prefix.length + body.length];
    System.arraycopy(prefix, 0, content, 0, prefix.length);
    System.arraycopy(body, 0, content, prefix.length, body.length);
    boolean valid;
    try {
      valid = credential.verifies(content, signatureBytes);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      valid = false;
    }
    if (!valid) {
      throw new AuthenticationException("signature does not verify");
    }
    if (singleUse && !store.firstUseOf(vendor, sha256(signatureBytes), now)) {
      throw new AuthenticationException("signature used before (replay)");
    }
    return vendor;
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
