package no.homemonitoring.conformance;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The suite's result as Markdown a vendor or a municipality can read and file. */
public final class ConformanceReport {

  private ConformanceReport() {}

  public static String markdown(String baseUrl, List<ConformanceSuite.Check> checks) {
    long passed = checks.stream().filter(ConformanceSuite.Check::passed).count();
    StringBuilder out = new StringBuilder();
    out.append("# Home-monitoring conformance report\n\n");
    out.append("- Server: `").append(baseUrl).append("`\n");
    out.append("- Run: ")
        .append(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS))
        .append('\n');
    out.append("- Result: **")
        .append(passed == checks.size() ? "PASS" : "FAIL")
        .append("** (")
        .append(passed)
        .append(" of ")
        .append(checks.size())
        .append(" checks passed)\n\n");
    out.append(
            "Invalid examples are named `invalid--<rule>--<what>.json`: the server must refuse each ")
        .append("(422) with an answer that names the rule.\n\n");
    String group = null;
    for (ConformanceSuite.Check check : checks) {
      if (!check.group().equals(group)) {
        group = check.group();
        out.append("\n## ").append(group).append("\n\n| | check | detail |\n|---|---|---|\n");
      }
      out.append("| ")
          .append(check.passed() ? "✅ pass" : "❌ FAIL")
          .append(" | ")
          .append(escape(check.name()))
          .append(" | ")
          .append(escape(check.detail()))
          .append(" |\n");
    }
    return out.toString();
  }

  private static String escape(String text) {
    String flat = text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    return flat.length() > 600 ? flat.substring(0, 600) + "…" : flat;
  }
}
