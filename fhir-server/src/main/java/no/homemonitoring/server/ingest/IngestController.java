package no.homemonitoring.server.ingest;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import no.homemonitoring.bridge.Decoded;
import no.homemonitoring.bridge.PayloadException;
import no.homemonitoring.bridge.VendorAdapter;
import no.homemonitoring.bridge.fhir.FhirBundleAdapter;
import no.homemonitoring.server.ingest.withings.WithingsPullAdapter;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.UriType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The vendors' ingest API ({@code /ingest}, described in {@code /ingest/openapi.yaml}). A push is
 * authenticated, decoded once to refuse what cannot be read (nothing is stored then), stored, and
 * only then acknowledged with 202 and a submission id; Observations are made from the stored
 * payload afterwards.
 */
@RestController
@RequestMapping("/ingest")
public class IngestController {

  private static final Logger log = LoggerFactory.getLogger(IngestController.class);
  private static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

  private final VendorAuthenticator authenticator;
  private final IngestProcessor processor;
  private final SubmissionStore store;
  private final IngestWorker worker;
  private final Clock clock;
  private final IngestProperties properties;
  private final FhirContext fhir = FhirContext.forR4Cached();

  public IngestController(
      VendorAuthenticator authenticator,
      IngestProcessor processor,
      SubmissionStore store,
      IngestWorker worker,
      Clock clock,
      IngestProperties properties) {
    this.properties = properties;
    this.authenticator = authenticator;
    this.processor = processor;
    this.store = store;
    this.worker = worker;
    this.clock = clock;
  }

  @PostMapping("/{format}")
  public ResponseEntity<?> push(
      @PathVariable String format,
      @RequestHeader(name = VendorAuthenticator.VENDOR_HEADER, required = false) String vendorId,
      @RequestHeader(name = VendorAuthenticator.TIMESTAMP_HEADER, required = false)
          String timestamp,
      @RequestHeader(name = VendorAuthenticator.SIGNATURE_HEADER, required = false)
          String signature,
      @RequestBody(required = false) byte[] body,
      HttpServletRequest request) {
    byte[] payload = body == null ? new byte[0] : body;
    Optional<VendorAdapter> adapter = processor.adapter(format);
    if (adapter.isEmpty() || adapter.get() instanceof WithingsPullAdapter) {
      // Withings is not pushed: it notifies at /ingest/withings/notify/<token> and is pulled.
      return problem(HttpStatus.NOT_FOUND, "not-found", "No ingest format '" + format + "'");
    }
    byte[] content = signedContent(request, payload);
    Instant receivedAt = clock.instant();
    if (adapter.get() instanceof FhirBundleAdapter bundles) {
      String vendor;
      try {
        vendor = authenticator.authenticate(vendorId, timestamp, signature, content);
      } catch (VendorAuthenticator.AuthenticationException e) {
        log.warn("Ingest push refused ({}): {}", vendorId, e.getMessage());
        return unauthenticated();
      }
      return bundle(bundles, vendor, payload, receivedAt);
    }
    String id = UUID.randomUUID().toString();
    ResponseEntity<?> accepted;
    try {
      // The signature's single use and the payload are recorded in one commit.
      accepted =
          store.inTransaction(
              () -> {
                String vendor;
                try {
                  vendor = authenticator.authenticate(vendorId, timestamp, signature, content);
                } catch (VendorAuthenticator.AuthenticationException e) {
                  log.warn("Ingest push refused ({}): {}", vendorId, e.getMessage());
                  throw new Refusal(unauthenticated());
                }
                List<Decoded> decoded;
                try {
                  decoded = adapter.get().decode(payload, receivedAt);
                } catch (PayloadException e) {
                  throw new Refusal(
                      problem(HttpStatus.valueOf(e.status()), "invalid", e.getMessage()));
                }
                store.insert(
                    new Submission(
                        id,
                        vendor,
                        format,
                        receivedAt,
                        VendorAuthenticator.sha256(payload),
                        payload,
                        Submission.RECEIVED,
                        0,
                        receivedAt,
                        null,
                        0));
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("submissionId", id);
                answer.put("status", Submission.RECEIVED);
                answer.put("statusUrl", "/ingest/submissions/" + id);
                answer.put("measurements", decoded.size());
                return ResponseEntity.status(HttpStatus.ACCEPTED)
                    .header("Location", "/ingest/submissions/" + id)
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(answer);
              });
    } catch (Refusal refusal) {
      return refusal.response;
    }
    worker.submit(id);
    return accepted;
  }

  /** A push refused inside the acknowledging transaction, which is rolled back. */
  private static final class Refusal extends RuntimeException {
    private final transient ResponseEntity<?> response;

    Refusal(ResponseEntity<?> response) {
      super(null, null, false, false);
      this.response = response;
    }
  }

  /**
   * A FHIR transaction or batch Bundle, answered as FHIR does: a transaction is stored whole or not
   * at all (422 naming every entry that stands in the way), a batch entry by entry; the answer has
   * one entry per request entry, in order, each with the request's {@code fullUrl} (also in the PMD
   * extension) and its own status. The raw Bundle is kept in the inbox like every payload.
   */
  private ResponseEntity<?> bundle(
      FhirBundleAdapter adapter, String vendor, byte[] payload, Instant receivedAt) {
    Bundle request;
    List<Decoded> decoded;
    try {
      request = adapter.bundle(payload);
      decoded = adapter.decode(payload, receivedAt);
    } catch (PayloadException e) {
      return problem(HttpStatus.valueOf(e.status()), "invalid", e.getMessage());
    }
    boolean transaction = request.getType() == Bundle.BundleType.TRANSACTION;
    if (transaction) {
      List<String> problems = processor.problems(vendor, decoded);
      if (!problems.isEmpty()) {
        return problems(HttpStatus.UNPROCESSABLE_ENTITY, problems);
      }
    }
    String id = UUID.randomUUID().toString();
    Submission submission =
        new Submission(
            id,
            vendor,
            adapter.format(),
            receivedAt,
            VendorAuthenticator.sha256(payload),
            payload,
            Submission.PROCESSING,
            1,
            receivedAt.plus(properties.lease()),
            null,
            0);
    store.insert(submission);
    Optional<List<MeasurementOutcome>> outcomes = worker.processClaimed(submission);
    if (outcomes.isEmpty()) {
      // Stored, and retried in the background: the status URL tells the outcome.
      return ResponseEntity.status(HttpStatus.ACCEPTED)
          .header("Location", "/ingest/submissions/" + id)
          .contentType(MediaType.APPLICATION_JSON)
          .body(
              Map.of(
                  "submissionId",
                  id,
                  "status",
                  Submission.RETRY,
                  "statusUrl",
                  "/ingest/submissions/" + id));
    }
    Bundle answer = new Bundle();
    answer.setType(
        transaction ? Bundle.BundleType.TRANSACTIONRESPONSE : Bundle.BundleType.BATCHRESPONSE);
    for (int i = 0; i < request.getEntry().size(); i++) {
      answer.addEntry(answerEntry(request.getEntry().get(i), outcomes.get().get(i)));
    }
    return ResponseEntity.ok()
        .header("X-HM-Submission", id)
        .contentType(FHIR_JSON)
        .body(fhir.newJsonParser().encodeResourceToString(answer));
  }

  static final String PMD_ENTRY_ID =
      "http://hl7.no/fhir/vkpobservation/StructureDefinition/PmdBundleResponseEntryIdExtension";

  private static Bundle.BundleEntryComponent answerEntry(
      Bundle.BundleEntryComponent sent, MeasurementOutcome outcome) {
    Bundle.BundleEntryComponent entry = new Bundle.BundleEntryComponent();
    Bundle.BundleEntryResponseComponent response = entry.getResponse();
    if (sent.hasFullUrl()) {
      entry.setFullUrl(sent.getFullUrl());
      response.addExtension(PMD_ENTRY_ID, new UriType(sent.getFullUrl()));
    }
    String location =
        outcome.observationId() == null
            ? null
            : "Observation/"
                + outcome.observationId()
                + "/_history/"
                + outcome.observationVersion();
    switch (outcome.outcome()) {
      case MeasurementOutcome.CREATED -> response.setStatus("201 Created").setLocation(location);
      case MeasurementOutcome.DUPLICATE, MeasurementOutcome.UPDATED ->
          response.setStatus("200 OK").setLocation(location);
      case MeasurementOutcome.SKIPPED -> {
        response.setStatus("200 OK");
        boolean reference =
            FhirBundleAdapter.PATIENT_ENTRY.equals(outcome.concept())
                || FhirBundleAdapter.DEVICE_ENTRY.equals(outcome.concept());
        response.setOutcome(
            outcome(
                OperationOutcome.IssueSeverity.INFORMATION,
                reference
                    ? OperationOutcome.IssueType.INFORMATIONAL
                    : OperationOutcome.IssueType.NOTSUPPORTED,
                reference ? outcome.reason() : "not stored: " + outcome.reason()));
      }
      default -> {
        boolean malformed =
            outcome.reason() != null && FhirBundleAdapter.isMalformed(outcome.reason());
        response.setStatus(malformed ? "400 Bad Request" : "422 Unprocessable Entity");
        response.setOutcome(
            outcome(
                OperationOutcome.IssueSeverity.ERROR,
                malformed
                    ? OperationOutcome.IssueType.STRUCTURE
                    : OperationOutcome.IssueType.PROCESSING,
                String.valueOf(outcome.reason())));
      }
    }
    return entry;
  }

  private static OperationOutcome outcome(
      OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType type, String message) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(severity).setCode(type).setDiagnostics(message);
    return outcome;
  }

  private ResponseEntity<String> problems(HttpStatus status, List<String> messages) {
    OperationOutcome outcome = new OperationOutcome();
    messages.forEach(
        message ->
            outcome
                .addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.PROCESSING)
                .setDiagnostics(message));
    return ResponseEntity.status(status)
        .contentType(FHIR_JSON)
        .body(fhir.newJsonParser().encodeResourceToString(outcome));
  }

  /** What became of a submission and of each of its measurements (the vendor's own only). */
  @GetMapping("/submissions/{id}")
  public ResponseEntity<?> status(
      @PathVariable String id,
      @RequestHeader(name = VendorAuthenticator.VENDOR_HEADER, required = false) String vendorId,
      @RequestHeader(name = VendorAuthenticator.TIMESTAMP_HEADER, required = false)
          String timestamp,
      @RequestHeader(name = VendorAuthenticator.SIGNATURE_HEADER, required = false)
          String signature,
      HttpServletRequest request) {
    Optional<String> vendor = reader(vendorId, timestamp, signature, request);
    if (vendor.isEmpty()) {
      return unauthenticated();
    }
    Optional<Submission> submission = store.find(id).filter(s -> s.vendor().equals(vendor.get()));
    if (submission.isEmpty()) {
      return problem(HttpStatus.NOT_FOUND, "not-found", "No submission " + id + " of this vendor");
    }
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_JSON)
        .body(describe(submission.get(), store.outcomes(id)));
  }

  /** The vendor's dead letters: submissions that failed every attempt, with the last reason. */
  @GetMapping("/dead-letters")
  public ResponseEntity<?> deadLetters(
      @RequestHeader(name = VendorAuthenticator.VENDOR_HEADER, required = false) String vendorId,
      @RequestHeader(name = VendorAuthenticator.TIMESTAMP_HEADER, required = false)
          String timestamp,
      @RequestHeader(name = VendorAuthenticator.SIGNATURE_HEADER, required = false)
          String signature,
      HttpServletRequest request) {
    Optional<String> vendor = reader(vendorId, timestamp, signature, request);
    if (vendor.isEmpty()) {
      return unauthenticated();
    }
    List<Map<String, Object>> dead =
        store.byStatus(vendor.get(), Submission.DEAD, 200).stream()
            .map(s -> describe(s, List.of()))
            .toList();
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_JSON)
        .body(Map.of("deadLetters", dead));
  }

  /** Puts a dead submission back in the queue (after the cause has been fixed). */
  @PostMapping("/submissions/{id}/replay")
  public ResponseEntity<?> replay(
      @PathVariable String id,
      @RequestHeader(name = VendorAuthenticator.VENDOR_HEADER, required = false) String vendorId,
      @RequestHeader(name = VendorAuthenticator.TIMESTAMP_HEADER, required = false)
          String timestamp,
      @RequestHeader(name = VendorAuthenticator.SIGNATURE_HEADER, required = false)
          String signature,
      @RequestBody(required = false) byte[] body,
      HttpServletRequest request) {
    byte[] payload = body == null ? new byte[0] : body;
    String vendor;
    try {
      vendor =
          authenticator.authenticate(
              vendorId, timestamp, signature, signedContent(request, payload));
    } catch (VendorAuthenticator.AuthenticationException e) {
      log.warn("Replay refused ({}): {}", vendorId, e.getMessage());
      return unauthenticated();
    }
    Optional<Submission> submission = store.find(id).filter(s -> s.vendor().equals(vendor));
    if (submission.isEmpty()) {
      return problem(HttpStatus.NOT_FOUND, "not-found", "No submission " + id + " of this vendor");
    }
    if (!store.replay(id)) {
      return problem(
          HttpStatus.CONFLICT,
          "conflict",
          "Submission " + id + " is " + submission.get().status() + ", not dead");
    }
    worker.submit(id);
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .contentType(MediaType.APPLICATION_JSON)
        .body(Map.of("submissionId", id, "status", Submission.RECEIVED));
  }

  @GetMapping(value = "/openapi.yaml", produces = "application/yaml")
  public Resource openApi() {
    return new ClassPathResource("ingest/openapi.yaml");
  }

  /**
   * The bytes a vendor signs: the method and path bind the signature to the request, so that a
   * signature for one endpoint is worth nothing at another.
   */
  static byte[] signedContent(HttpServletRequest request, byte[] body) {
    byte[] head =
        (request.getMethod() + " " + request.getRequestURI() + "\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] content = new byte[head.length + body.length];
    System.arraycopy(head, 0, content, 0, head.length);
    System.arraycopy(body, 0, content, head.length, body.length);
    return content;
  }

  private Optional<String> reader(
      String vendorId, String timestamp, String signature, HttpServletRequest request) {
    try {
      return Optional.of(
          authenticator.authenticateRead(
              vendorId, timestamp, signature, signedContent(request, new byte[0])));
    } catch (VendorAuthenticator.AuthenticationException e) {
      log.warn("Ingest read refused ({}): {}", vendorId, e.getMessage());
      return Optional.empty();
    }
  }

  private static Map<String, Object> describe(Submission s, List<MeasurementOutcome> outcomes) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("submissionId", s.id());
    answer.put("format", s.format());
    answer.put("receivedAt", s.receivedAt().toString());
    answer.put("status", s.status());
    answer.put("attempts", s.attempts());
    if (s.lastError() != null) {
      answer.put("lastError", s.lastError());
    }
    answer.put("payloadSha256", s.payloadSha256());
    if (!outcomes.isEmpty()) {
      answer.put(
          "measurements",
          outcomes.stream()
              .map(
                  o -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("seq", o.seq());
                    m.put("concept", o.concept());
                    m.put("outcome", o.outcome());
                    if (o.identity() != null) {
                      m.put("identity", o.identity());
                    }
                    if (o.reason() != null) {
                      m.put("reason", o.reason());
                    }
                    if (o.observationId() != null) {
                      m.put(
                          "observation",
                          "Observation/"
                              + o.observationId()
                              + "/_history/"
                              + o.observationVersion());
                    }
                    return m;
                  })
              .toList());
    }
    return answer;
  }

  private ResponseEntity<String> unauthenticated() {
    return problem(
        HttpStatus.UNAUTHORIZED,
        "login",
        "Not authenticated: sign the request with the vendor's registered key (see /ingest/openapi.yaml)");
  }

  private ResponseEntity<String> problem(HttpStatus status, String code, String message) {
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.ERROR)
        .setCode(OperationOutcome.IssueType.fromCode(code))
        .setDiagnostics(message);
    return ResponseEntity.status(status)
        .contentType(FHIR_JSON)
        .body(fhir.newJsonParser().encodeResourceToString(outcome));
  }
}
