package no.homemonitoring.bridge.withings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WithingsRetryPolicyTest {

  private final WithingsRetryPolicy policy = WithingsRetryPolicy.DEFAULT;

  @Test
  void theDefaultTriesFiveTimesWaitingExponentially() {
    assertThat(policy.maxTries()).isEqualTo(5);
    assertThat(policy.backoffAfter(1, false)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.backoffAfter(2, false)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.backoffAfter(3, false)).isEqualTo(Duration.ofSeconds(4));
    assertThat(policy.backoffAfter(4, false)).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void afterTheRateLimitItWaitsAtLeastAMinute() {
    assertThat(policy.backoffAfter(1, true)).isEqualTo(Duration.ofSeconds(60));
    WithingsRetryPolicy slowStart =
        new WithingsRetryPolicy(5, Duration.ofSeconds(40), Duration.ofSeconds(60));
    assertThat(slowStart.backoffAfter(2, true)).isEqualTo(Duration.ofSeconds(80));
  }

  @Test
  void aPolicyOutsideTheFormatsReferenceIsRefused() {
    assertThatThrownBy(
            () -> new WithingsRetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new WithingsRetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new WithingsRetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(59)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WithingsRetryPolicy(5, Duration.ZERO, Duration.ofSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
