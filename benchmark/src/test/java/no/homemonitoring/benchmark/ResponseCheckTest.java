package no.homemonitoring.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ResponseCheckTest {

  @Test
  void aBundleWithEntriesPasses() throws IOException {
    String body =
        """
        {"resourceType":"Bundle","meta":{"lastUpdated":"2026-01-01T00:00:00Z"},"type":"searchset",
         "link":[{"relation":"self","url":"x"}],
         "entry":[{"resource":{"resourceType":"Observation","component":[{"a":[1,2]}]}},
                  {"resource":{"resourceType":"Observation"}}],
         "total":2}
        """;
    assertThat(ResponseCheck.BundleShape.of(body).isBundleWithEntries()).isTrue();
  }

  @Test
  void anEmptyBundleOrAnotherResourceFails() throws IOException {
    assertThat(
            ResponseCheck.BundleShape.of("{\"resourceType\":\"Bundle\",\"entry\":[]}")
                .isBundleWithEntries())
        .isFalse();
    assertThat(ResponseCheck.BundleShape.of("{\"resourceType\":\"Bundle\"}").isBundleWithEntries())
        .isFalse();
    assertThat(
            ResponseCheck.BundleShape.of(
                    "{\"resourceType\":\"OperationOutcome\",\"entry\":[{\"x\":1}]}")
                .isBundleWithEntries())
        .isFalse();
  }

  @Test
  void somethingThatIsNotJsonIsAnError() {
    assertThatThrownBy(() -> ResponseCheck.BundleShape.of("<html>"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> ResponseCheck.BundleShape.of("[1]")).isInstanceOf(IOException.class);
  }
}
