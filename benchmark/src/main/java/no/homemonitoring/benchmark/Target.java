package no.homemonitoring.benchmark;

import java.util.List;

/**
 * A goal the server must meet on a small municipal VM. Checked on the median over runs, so one
 * unlucky run (a GC pause, a noisy neighbour) neither fails nor passes the build alone.
 */
record Target(Metric metric, double limit) {

  static final List<Target> ALL =
      List.of(
          new Target(Metric.NURSE_P95, 20),
          new Target(Metric.STARTUP, 25),
          new Target(Metric.RSS_AFTER_LOAD, 1024));

  boolean isMet(List<RunResult> runs) {
    return metric.median(runs) < limit;
  }

  String verdict(List<RunResult> runs) {
    return String.format(
        "%s %s: median %s %s (target < %s %s)",
        isMet(runs) ? "PASS" : "FAIL",
        metric.label(),
        metric.format(metric.median(runs)),
        metric.unit(),
        Metric.format(limit, 0),
        metric.unit());
  }
}
