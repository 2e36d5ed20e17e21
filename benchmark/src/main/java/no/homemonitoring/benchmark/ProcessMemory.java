package no.homemonitoring.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Resident memory of a process as the kernel counts it: what a small municipal VM actually has to
 * provide, heap or not. Read from {@code /proc}, so Linux only; elsewhere both values are NaN.
 */
record ProcessMemory(double residentMebibytes, double peakResidentMebibytes) {

  static ProcessMemory of(long pid) throws IOException {
    try {
      return parse(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
    } catch (NoSuchFileException e) {
      System.err.println("  no /proc/" + pid + "/status: memory is not measured on this system");
      return new ProcessMemory(Double.NaN, Double.NaN);
    }
  }

  /** {@code VmRSS} is the current resident set, {@code VmHWM} its high-water mark. */
  static ProcessMemory parse(String procStatus) {
    return new ProcessMemory(mebibytes(procStatus, "VmRSS:"), mebibytes(procStatus, "VmHWM:"));
  }

  private static double mebibytes(String procStatus, String field) {
    return procStatus
        .lines()
        .filter(line -> line.startsWith(field))
        .map(line -> line.substring(field.length()).trim())
        .map(value -> value.endsWith("kB") ? value.substring(0, value.length() - 2).trim() : value)
        .mapToDouble(kibibytes -> Long.parseLong(kibibytes) / 1024.0)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no " + field + " in process status"));
  }
}
