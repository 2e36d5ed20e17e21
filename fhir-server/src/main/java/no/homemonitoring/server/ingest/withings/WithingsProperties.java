package no.homemonitoring.server.ingest.withings;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Withings integration, under {@code homemonitoring.ingest.withings}; on when a client id is
 * set.
 *
 * @param clientId the application's OAuth2 client id at Withings
 * @param clientSecret its client secret (environment only)
 * @param callbackToken the secret part of the notification URL {@code
 *     /ingest/withings/notify/<token>} (Withings' notifications are not signed; environment only)
 * @param baseUrl the Withings API
 * @param requestTimeout the longest wait for one Withings answer
 */
@ConfigurationProperties("homemonitoring.ingest.withings")
public record WithingsProperties(
    @DefaultValue("") String clientId,
    @DefaultValue("") String clientSecret,
    @DefaultValue("") String callbackToken,
    @DefaultValue("https://wbsapi.withings.net") URI baseUrl,
    @DefaultValue("10s") Duration requestTimeout) {}
