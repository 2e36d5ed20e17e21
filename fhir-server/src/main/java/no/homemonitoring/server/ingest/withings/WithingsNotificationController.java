package no.homemonitoring.server.ingest.withings;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import no.homemonitoring.bridge.withings.MalformedNotificationException;
import no.homemonitoring.bridge.withings.WithingsNotification;
import no.homemonitoring.server.ingest.IngestWorker;
import no.homemonitoring.server.ingest.Submission;
import no.homemonitoring.server.ingest.SubmissionStore;
import no.homemonitoring.server.ingest.VendorAuthenticator;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Withings' notification webhook, {@code /ingest/withings/notify/<token>}: {@code HEAD} answers 200
 * (Withings probes the URL when it subscribes), {@code POST} answers 200 at once and stores the
 * notification in the inbox, where a worker pulls the user's measurements. A notification the
 * bridge will not act on (malformed, not a measurement category, a user who never authorised the
 * bridge) is answered 200 as well and only logged: any other status makes Withings send it again
 * for hours. A wrong token is 404, as if the URL did not exist.
 */
@RestController
@ConditionalOnExpression("!'${homemonitoring.ingest.withings.client-id:}'.isBlank()")
public class WithingsNotificationController {

  /** The vendor id of Withings' submissions; patients are enrolled under its user ids. */
  public static final String VENDOR = "withings";

  private static final Logger log = LoggerFactory.getLogger(WithingsNotificationController.class);

  private final WithingsProperties properties;
  private final WithingsAccounts accounts;
  private final SubmissionStore store;
  private final IngestWorker worker;
  private final Clock clock;

  public WithingsNotificationController(
      WithingsProperties properties,
      WithingsAccounts accounts,
      SubmissionStore store,
      IngestWorker worker,
      Clock ingestClock) {
    this.properties = properties;
    this.accounts = accounts;
    this.store = store;
    this.worker = worker;
    this.clock = ingestClock;
  }

  @RequestMapping(value = "/ingest/withings/notify/{token}", method = RequestMethod.HEAD)
  public ResponseEntity<Void> probe(@PathVariable String token) {
    return knownToken(token) ? ResponseEntity.ok().build() : ResponseEntity.notFound().build();
  }

  @RequestMapping(value = "/ingest/withings/notify/{token}", method = RequestMethod.POST)
  public ResponseEntity<?> notify(@PathVariable String token, HttpServletRequest request) {
    if (!knownToken(token)) {
      return notFound();
    }
    // The container has parsed the form already (filters read parameters); store it re-encoded.
    String form = form(request.getParameterMap());
    WithingsNotification notification;
    try {
      notification = WithingsNotification.parse(form);
    } catch (MalformedNotificationException e) {
      log.warn("Withings notification ignored: {}", e.getMessage());
      return ok();
    }
    if (!notification.isMeasurementCategory()) {
      log.info(
          "Withings notification for user {} ignored: appli {} carries no measurements we store",
          notification.userId(),
          notification.appli());
      return ok();
    }
    if (accounts.find(notification.userId()).isEmpty()) {
      log.warn(
          "Withings notification for user {} ignored: the user never authorised the bridge",
          notification.userId());
      return ok();
    }
    byte[] payload = form.getBytes(StandardCharsets.UTF_8);
    Instant receivedAt = clock.instant();
    String id = UUID.randomUUID().toString();
    store.insert(
        new Submission(
            id,
            VENDOR,
            WithingsPullAdapter.FORMAT,
            receivedAt,
            VendorAuthenticator.sha256(payload),
            payload,
            Submission.RECEIVED,
            0,
            receivedAt,
            null,
            0));
    worker.submit(id);
    return ok();
  }

  private boolean knownToken(String token) {
    byte[] expected = properties.callbackToken().getBytes(StandardCharsets.UTF_8);
    return expected.length > 0
        && MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.UTF_8));
  }

  private static String form(Map<String, String[]> parameters) {
    return parameters.entrySet().stream()
        .flatMap(
            entry ->
                java.util.Arrays.stream(entry.getValue())
                    .map(
                        value ->
                            URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8)
                                + "="
                                + URLEncoder.encode(value, StandardCharsets.UTF_8)))
        .collect(Collectors.joining("&"));
  }

  private static ResponseEntity<String> ok() {
    return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body("ok");
  }

  private static ResponseEntity<String> notFound() {
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.ERROR)
        .setCode(OperationOutcome.IssueType.NOTFOUND)
        .setDiagnostics("Not found");
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .contentType(MediaType.parseMediaType("application/fhir+json"))
        .body(FhirContext.forR4Cached().newJsonParser().encodeResourceToString(outcome));
  }
}
