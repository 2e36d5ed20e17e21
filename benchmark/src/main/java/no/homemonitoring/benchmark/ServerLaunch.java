package no.homemonitoring.benchmark;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How to start one server configuration: the same jar, possibly with different arguments, and the
 * environment variables it gets on top of the benchmark's own (secrets, database connection).
 */
record ServerLaunch(
    String label,
    Path jar,
    List<String> jvmOptions,
    List<String> serverArgs,
    Map<String, String> environment,
    boolean keepData) {

  /** The JVM options of the README's start command (its "JVM options" section says why). */
  static final String README_JVM_OPTIONS =
      "-Xmx560m -Xmn128m -XX:+UseParallelGC -XX:-DontCompileHugeMethods"
          + " -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
          + " -XX:TrimNativeHeapInterval=5000 -XX:ThreadPriorityPolicy=1"
          + " -XX:JavaPriority1_To_OSPriority=10 -XX:JavaPriority6_To_OSPriority=0"
          + " -XX:JavaPriority7_To_OSPriority=0 -XX:JavaPriority8_To_OSPriority=0"
          + " -XX:JavaPriority9_To_OSPriority=0 -XX:JavaPriority10_To_OSPriority=0";

  ServerLaunch {
    environment = Map.copyOf(environment);
  }

  ServerLaunch(
      String label, Path jar, List<String> jvmOptions, List<String> serverArgs, boolean keepData) {
    this(label, jar, jvmOptions, serverArgs, Map.of(), keepData);
  }

  /** Options are given on the command line as one string each, split on whitespace. */
  static List<String> split(String arguments) {
    return Arrays.stream(arguments.trim().split("\\s+")).filter(part -> !part.isEmpty()).toList();
  }
}
