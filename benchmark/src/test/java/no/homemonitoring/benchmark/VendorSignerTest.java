package no.homemonitoring.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VendorSignerTest {

  private static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
  private static final Instant SIGNED_AT = Instant.ofEpochSecond(1736147140);

  private final VendorSigner signer = new VendorSigner("bench", "s3cret");

  @Test
  void signsTheTimestampMethodPathAndBodyAsTheIngestApiDescribes() {
    assertThat(
            new String(
                VendorSigner.signedContent(1736147140, "POST", "/ingest/openmhealth", BODY),
                StandardCharsets.UTF_8))
        .isEqualTo("1736147140.POST /ingest/openmhealth\n{\"a\":1}");
  }

  @Test
  void signatureIsBase64OfHmacSha256WithTheSecret() {
    // printf '%s' "1736147140.POST /ingest/openmhealth
    // {\"a\":1}" | openssl dgst -sha256 -hmac s3cret -binary | base64
    assertThat(signer.signature(1736147140, "POST", "/ingest/openmhealth", BODY))
        .isEqualTo("kA2zvl+L7mKE+MZq8yOJsRQGbV1zjteCJZafcSwJeMA=");
  }

  @Test
  void aPushCarriesTheVendorTheTimestampAndTheSignatureOfItsBody() {
    HttpRequest push = signer.post("http://localhost:8080", "/ingest/openmhealth", BODY, SIGNED_AT);

    assertThat(push.method()).isEqualTo("POST");
    assertThat(push.uri()).isEqualTo(URI.create("http://localhost:8080/ingest/openmhealth"));
    assertThat(push.headers().firstValue("X-HM-Vendor")).hasValue("bench");
    assertThat(push.headers().firstValue("X-HM-Timestamp")).hasValue("1736147140");
    assertThat(push.headers().firstValue("X-HM-Signature"))
        .hasValue("kA2zvl+L7mKE+MZq8yOJsRQGbV1zjteCJZafcSwJeMA=");
    assertThat(push.headers().firstValue("Content-Type")).hasValue("application/json");
  }

  @Test
  void distinctBodiesGetDistinctSignaturesSoNoPushIsTakenForAReplay() {
    byte[] other = "{\"a\":2}".getBytes(StandardCharsets.UTF_8);

    assertThat(signer.signature(1736147140, "POST", "/ingest/openmhealth", other))
        .isNotEqualTo(signer.signature(1736147140, "POST", "/ingest/openmhealth", BODY));
  }

  @Test
  void randomSecretsAre32BytesOfHexAndNeverRepeat() {
    String secret = VendorSigner.randomSecret();

    assertThat(secret).matches("[0-9a-f]{64}").isNotEqualTo(VendorSigner.randomSecret());
  }
}
