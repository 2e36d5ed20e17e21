package no.homemonitoring.benchmark;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** How to start one server configuration: the same jar, possibly with different arguments. */
record ServerLaunch(
    String label, Path jar, List<String> jvmOptions, List<String> serverArgs, boolean keepData) {

  /** Options are given on the command line as one string each, split on whitespace. */
  static List<String> split(String arguments) {
    return Arrays.stream(arguments.trim().split("\\s+")).filter(part -> !part.isEmpty()).toList();
  }
}
