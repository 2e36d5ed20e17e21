package no.homemonitoring.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The server jar under test, and how a benchmark runs it: the build's extracted server (the jar
 * with its libraries in {@code lib} beside it) in place, because its class-data archive is only
 * valid with the very jars it was made from; a Spring Boot fat jar from a private copy, because a
 * rebuild during a long benchmark would replace it under a running server.
 */
final class ServerJar {

  /** What a benchmark does with the jar it may run. */
  @FunctionalInterface
  interface Benchmark {
    int run(Path jar) throws IOException, InterruptedException;
  }

  private final Path jar;

  ServerJar(Path jar) {
    this.jar = jar;
  }

  boolean isExtracted() {
    return Files.isDirectory(jar.toAbsolutePath().getParent().resolve("lib"));
  }

  /** The class-data archive the build made for an extracted server, if there is one. */
  Optional<Path> classDataArchive() {
    String name = jar.getFileName().toString().replaceFirst("\\.jar$", ".jsa");
    Path archive = jar.toAbsolutePath().resolveSibling(name);
    return isExtracted() && Files.isRegularFile(archive) ? Optional.of(archive) : Optional.empty();
  }

  /**
   * The archive options, then {@code configured} split on spaces. {@code -Xshare:on}: an archive
   * that no longer matches its jars (a rebuild, another Java) stops the server with a message
   * instead of silently measuring a slow start.
   */
  List<String> jvmOptions(String configured) {
    List<String> options = new ArrayList<>();
    classDataArchive()
        .ifPresent(
            archive -> {
              options.add("-XX:SharedArchiveFile=" + archive.toAbsolutePath());
              options.add("-Xshare:on");
            });
    options.addAll(ServerLaunch.split(configured));
    return options;
  }

  /** Runs {@code benchmark} on the jar in place (extracted) or on a private copy (fat jar). */
  int run(Benchmark benchmark) throws IOException, InterruptedException {
    if (isExtracted()) {
      return benchmark.run(jar);
    }
    // A private copy also guarantees that every run measures the same build.
    Path copyDirectory = Files.createTempDirectory("server-benchmark-jar-");
    Path copy = Files.copy(jar, copyDirectory.resolve(jar.getFileName()));
    try {
      return benchmark.run(copy);
    } finally {
      Files.delete(copy);
      Files.delete(copyDirectory);
    }
  }
}
