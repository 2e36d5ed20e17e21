package no.homemonitoring.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ServerLaunchTest {

  /** The benchmarks measure the server as the README starts it, so the two must not drift apart. */
  @Test
  void theBenchmarksDefaultJvmOptionsAreThoseOfTheReadmesStartCommand() throws IOException {
    String startCommand =
        Files.readAllLines(Path.of("..", "README.md")).stream()
            .filter(line -> line.startsWith("./mvnw -q -DskipTests package && MALLOC_ARENA_MAX=2"))
            .findFirst()
            .orElseThrow();

    assertThat(startCommand).contains(" " + ServerLaunch.README_JVM_OPTIONS + " -jar ");
  }

  @Test
  void optionsAreSplitOnWhitespace() {
    assertThat(ServerLaunch.split("  -Xmx1g \t-XX:+UseParallelGC "))
        .containsExactly("-Xmx1g", "-XX:+UseParallelGC");
  }
}
