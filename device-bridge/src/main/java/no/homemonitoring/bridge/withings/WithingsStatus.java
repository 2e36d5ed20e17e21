package no.homemonitoring.bridge.withings;

import java.util.HashSet;
import java.util.Set;

/**
 * What a Withings API {@code status} means for the caller. Withings answers every request with HTTP
 * 200 and puts the outcome in {@code status}; the classes follow a public client library (the
 * official documentation lists the codes, not what to do about them).
 */
public enum WithingsStatus {
  /** 0: the body carries data. */
  OK,
  /** The access token is invalid or expired: refresh it and retry once. */
  AUTH,
  /** The user or application may not do this (e.g. the user revoked access): no retry. */
  UNAUTHORIZED,
  /** The request was wrong: no retry, log it as a defect. */
  INVALID_PARAMS,
  /** Withings timed out (522): back off and retry. */
  TIMEOUT,
  /** Withings is in a bad state (524): back off and retry. */
  BAD_STATE,
  /** 601, the application's rate limit: back off at least a minute. */
  TOO_MANY_REQUESTS,
  /** Any other error: treat as a failure (never as "no data"). */
  OTHER;

  private static final Set<Integer> AUTH_CODES = Set.of(100, 101, 102, 200, 401);
  private static final Set<Integer> UNAUTHORIZED_CODES = Set.of(214, 277, 2553, 2554, 2555);
  private static final Set<Integer> INVALID_PARAMS_CODES =
      codes(
          "201-213",
          "216-218",
          "220-221",
          "223",
          "225",
          "227-230",
          "234-236",
          "238",
          "240-252",
          "254",
          "260-267",
          "271-272",
          "275-276",
          "283-288",
          "290",
          "293-295",
          "297",
          "300-304",
          "321",
          "323-353",
          "380-382",
          "400",
          "501-506",
          "509-511",
          "523",
          "532",
          "3017-3019");

  /** The class of a status code. */
  public static WithingsStatus of(int status) {
    if (status == 0) {
      return OK;
    }
    if (AUTH_CODES.contains(status)) {
      return AUTH;
    }
    if (UNAUTHORIZED_CODES.contains(status)) {
      return UNAUTHORIZED;
    }
    if (INVALID_PARAMS_CODES.contains(status)) {
      return INVALID_PARAMS;
    }
    return switch (status) {
      case 522 -> TIMEOUT;
      case 524 -> BAD_STATE;
      case 601 -> TOO_MANY_REQUESTS;
      default -> OTHER;
    };
  }

  private static Set<Integer> codes(String... ranges) {
    Set<Integer> codes = new HashSet<>();
    for (String range : ranges) {
      String[] bounds = range.split("-");
      int low = Integer.parseInt(bounds[0]);
      int high = Integer.parseInt(bounds[bounds.length - 1]);
      for (int code = low; code <= high; code++) {
        codes.add(code);
      }
    }
    return Set.copyOf(codes);
  }
}
