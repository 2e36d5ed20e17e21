package no.homemonitoring.server.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SMART on FHIR resource scopes of a token ({@code user/Observation.rs}, {@code
 * patient/*.cruds}, {@code system/*.read}; v1 {@code read}/{@code write}/{@code *} are read as
 * {@code rs}/{@code cud}/{@code cruds}). A scope restricted by a query ({@code ?category=...})
 * grants nothing here: the server does not narrow by it, so it must not widen access either.
 */
public final class SmartScopes {

  private static final Pattern SCOPE =
      Pattern.compile("(patient|user|system)/([A-Za-z]+|\\*)\\.([a-z*]+)");

  /** One resource scope: its context, its resource type ({@code *} for all) and permissions. */
  public record Scope(String context, String resourceType, String permissions) {}

  private final List<Scope> scopes;
  private final List<String> raw;

  private SmartScopes(List<Scope> scopes, List<String> raw) {
    this.scopes = scopes;
    this.raw = raw;
  }

  public static SmartScopes parse(Collection<String> values) {
    List<Scope> scopes = new ArrayList<>();
    for (String value : values) {
      Matcher matcher = SCOPE.matcher(value);
      if (!matcher.matches()) {
        continue;
      }
      String permissions =
          switch (matcher.group(3)) {
            case "read" -> "rs";
            case "write" -> "cud";
            case "*" -> "cruds";
            default -> matcher.group(3).matches("c?r?u?d?s?") ? matcher.group(3) : "";
          };
      if (!permissions.isEmpty()) {
        scopes.add(new Scope(matcher.group(1), matcher.group(2), permissions));
      }
    }
    return new SmartScopes(List.copyOf(scopes), List.copyOf(values));
  }

  /**
   * Whether some scope of one of the given contexts grants {@code permission} (one of {@code
   * cruds}) on {@code resourceType}.
   */
  public boolean permits(String resourceType, char permission, Collection<String> contexts) {
    for (Scope scope : scopes) {
      if (contexts.contains(scope.context())
          && (scope.resourceType().equals("*") || scope.resourceType().equals(resourceType))
          && scope.permissions().indexOf(permission) >= 0) {
        return true;
      }
    }
    return false;
  }

  public List<Scope> scopes() {
    return scopes;
  }

  /** The scope claim as given. */
  public List<String> raw() {
    return raw;
  }

  @Override
  public String toString() {
    return String.join(" ", raw);
  }
}
