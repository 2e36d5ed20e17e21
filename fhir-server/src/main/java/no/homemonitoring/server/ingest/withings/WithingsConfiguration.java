package no.homemonitoring.server.ingest.withings;

import java.time.Clock;
import no.homemonitoring.bridge.MeasurementRules;
import no.homemonitoring.bridge.withings.WithingsAccessTokens;
import no.homemonitoring.bridge.withings.WithingsClient;
import no.homemonitoring.bridge.withings.WithingsMeasureMapper;
import no.homemonitoring.bridge.withings.WithingsPuller;
import no.homemonitoring.bridge.withings.WithingsSettings;
import no.homemonitoring.server.ingest.InboxDatabase;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** Withings: on when {@code homemonitoring.ingest.withings.client-id} is set. */
@Configuration
@ConditionalOnExpression("!'${homemonitoring.ingest.withings.client-id:}'.isBlank()")
public class WithingsConfiguration {

  @Bean
  WithingsAccounts withingsAccounts(InboxDatabase inbox) {
    // Its table comes with the inbox's migrations (db/ingest/*/V2__withings_accounts.sql).
    return new WithingsAccounts(new JdbcTemplate(inbox.dataSource()));
  }

  @Bean
  WithingsPullAdapter withingsPullAdapter(
      WithingsProperties properties,
      WithingsAccounts accounts,
      MeasurementRules rules,
      Clock ingestClock) {
    if (properties.callbackToken().length() < 16) {
      throw new IllegalStateException(
          "homemonitoring.ingest.withings.callback-token must be a secret of at least 16"
              + " characters: it is the only protection of the notification URL");
    }
    WithingsClient client =
        new WithingsClient(
            new WithingsSettings(
                properties.baseUrl(),
                properties.clientId(),
                properties.clientSecret(),
                properties.requestTimeout(),
                properties.requestTimeout()),
            ingestClock);
    WithingsPuller puller =
        new WithingsPuller(
            client,
            new WithingsAccessTokens(client, accounts, ingestClock),
            new WithingsMeasureMapper(rules));
    return new WithingsPullAdapter(puller, accounts);
  }
}
