package no.homemonitoring.server.ingest.withings;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import no.homemonitoring.bridge.withings.WithingsTokenStore;
import no.homemonitoring.bridge.withings.WithingsTokens;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The Withings users the bridge pulls for ({@code hm_withings_account}): tokens, watermark and
 * whether the user must authorise the bridge again. The token refresh of {@code
 * WithingsAccessTokens} is serialised per user within this process; several nodes sharing the
 * database would need a row lock here as well (one node runs the pulls today).
 */
public class WithingsAccounts implements WithingsTokenStore {

  public static final String ACTIVE = "active";
  public static final String REAUTHORIZATION_REQUIRED = "reauthorization-required";

  private final JdbcTemplate jdbc;

  public WithingsAccounts(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A user's account as stored. */
  public record Account(
      String userId, WithingsTokens tokens, Instant watermark, String state, String stateReason) {}

  public Optional<Account> find(String userId) {
    List<Account> found =
        jdbc.query(
            "select user_id, access_token, refresh_token, expires_at, watermark, state,"
                + " state_reason from hm_withings_account where user_id = ?",
            (rs, row) ->
                new Account(
                    rs.getString(1),
                    rs.getString(2) == null
                        ? null
                        : new WithingsTokens(
                            rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()),
                    rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant(),
                    rs.getString(6),
                    rs.getString(7)),
            userId);
    return found.stream().findFirst();
  }

  /** Registers (or re-authorises) a user with the tokens of its authorisation. */
  public void authorise(String userId, WithingsTokens tokens) {
    save(userId, tokens);
  }

  @Override
  public Optional<WithingsTokens> load(String userId) {
    return find(userId).filter(a -> ACTIVE.equals(a.state())).map(Account::tokens);
  }

  @Override
  public void save(String userId, WithingsTokens tokens) {
    Timestamp now = Timestamp.from(Instant.now());
    int updated =
        jdbc.update(
            "update hm_withings_account set access_token = ?, refresh_token = ?, expires_at = ?,"
                + " state = ?, state_reason = null, updated_at = ? where user_id = ?",
            tokens.accessToken(),
            tokens.refreshToken(),
            Timestamp.from(tokens.expiresAt()),
            ACTIVE,
            now,
            userId);
    if (updated == 0) {
      jdbc.update(
          "insert into hm_withings_account (user_id, access_token, refresh_token, expires_at,"
              + " state, updated_at) values (?, ?, ?, ?, ?, ?)",
          userId,
          tokens.accessToken(),
          tokens.refreshToken(),
          Timestamp.from(tokens.expiresAt()),
          ACTIVE,
          now);
    }
  }

  /** The user's watermark: Withings' updatetime of the last complete pull. */
  public void watermark(String userId, Instant watermark) {
    jdbc.update(
        "update hm_withings_account set watermark = ?, updated_at = ? where user_id = ?",
        Timestamp.from(watermark),
        Timestamp.from(Instant.now()),
        userId);
  }

  /** The bridge can no longer act for the user until the user authorises it again. */
  public void reauthorizationRequired(String userId, String reason) {
    jdbc.update(
        "update hm_withings_account set state = ?, state_reason = ?, updated_at = ?"
            + " where user_id = ?",
        REAUTHORIZATION_REQUIRED,
        reason,
        Timestamp.from(Instant.now()),
        userId);
  }
}
