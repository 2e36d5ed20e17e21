package no.homemonitoring.server.ingest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import no.homemonitoring.bridge.fhir.ObservationFactory;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapter mode: the bridge delivers to another FHIR R4 server (a hospital's, a national store)
 * instead of the in-process one. Binding and the inbox stay here; only the Observations and their
 * Provenance go out.
 *
 * <p>An Observation is found by its bridge identifier ({@code identifier=<system>|<identity>}) and
 * written with a conditional update on that identifier, so a retry after a timeout, a
 * retransmission and a re-upload all meet on the one resource the remote server holds. Its subject
 * is the patient's national id (a logical reference: the remote server does not know our Patient
 * ids) and its device is named, not referenced, for the same reason.
 *
 * <p>Timeouts, connection failures, 5xx, 408 and 429 throw, so the submission is retried with
 * backoff; any other 4xx is the remote server refusing the resource for good, and rejects that
 * measurement with its answer.
 */
public class RemoteFhirSink implements ObservationSink {

  private static final Logger log = LoggerFactory.getLogger(RemoteFhirSink.class);

  private final IGenericClient client;
  private final String baseUrl;

  public RemoteFhirSink(String baseUrl, Duration timeout) {
    this.baseUrl = baseUrl;
    FhirContext fhir = FhirContext.forR4();
    IRestfulClientFactory factory = fhir.getRestfulClientFactory();
    factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
    factory.setConnectTimeout((int) timeout.toMillis());
    factory.setSocketTimeout((int) timeout.toMillis());
    factory.setConnectionRequestTimeout((int) timeout.toMillis());
    this.client = fhir.newRestfulGenericClient(baseUrl);
  }

  @Override
  public String target() {
    return baseUrl;
  }

  @Override
  public ObservationWriter.Written write(Observation local, Instant editedAt) {
    Observation observation = forRemote(local);
    if (editedAt != null) {
      observation.setIssued(Date.from(editedAt));
    }
    String match = "Observation?identifier=" + encode(identity(observation));
    try {
      Optional<Observation> existing = find(observation);
      if (existing.isPresent()) {
        Observation stored = existing.get();
        String id = stored.getIdElement().getIdPart();
        String version = stored.getIdElement().getVersionIdPart();
        if (ObservationWriter.sameContent(withoutId(stored), observation)) {
          return new ObservationWriter.Written(
              MeasurementOutcome.DUPLICATE, "already stored at " + baseUrl, id, version);
        }
        boolean laterEdit =
            editedAt != null
                && (!stored.hasIssued() || editedAt.isAfter(stored.getIssued().toInstant()));
        if (!laterEdit) {
          String reason =
              editedAt != null
                  ? "not-newer: the stored version is as new as this edit; kept"
                  : "conflict: a different value under the same identity without an edit signal;"
                      + " the first is kept";
          log.warn("{} at {}: {}", match, baseUrl, reason);
          return new ObservationWriter.Written(MeasurementOutcome.DUPLICATE, reason, id, version);
        }
        MethodOutcome updated =
            client.update().resource(observation).conditionalByUrl(match).execute();
        return new ObservationWriter.Written(
            MeasurementOutcome.UPDATED,
            "edited by the vendor",
            updated.getId().getIdPart(),
            updated.getId().getVersionIdPart());
      }
      MethodOutcome created =
          client.update().resource(observation).conditionalByUrl(match).execute();
      return new ObservationWriter.Written(
          MeasurementOutcome.CREATED,
          null,
          created.getId() == null ? null : created.getId().getIdPart(),
          created.getId() == null ? null : created.getId().getVersionIdPart());
    } catch (BaseServerResponseException e) {
      throw refusedOrRetried(e);
    }
  }

  @Override
  public void provenance(Provenance local) {
    Provenance provenance = local.copy();
    for (Provenance.ProvenanceAgentComponent agent : provenance.getAgent()) {
      Reference who = agent.getWho();
      if (who.hasReference() && who.getReference().startsWith("Device/")) {
        agent.setWho(new Reference().setDisplay("device " + who.getReferenceElement().getIdPart()));
      }
    }
    try {
      client.update().resource(provenance).withId(provenance.getIdElement().getIdPart()).execute();
    } catch (BaseServerResponseException e) {
      RuntimeException outcome = refusedOrRetried(e);
      if (outcome instanceof UnprocessableEntityException) {
        // The Observations are delivered; a server that takes no Provenance must not undo that.
        log.warn(
            "{} refused the Provenance of {}: {}", baseUrl, provenance.getId(), e.getMessage());
        return;
      }
      throw outcome;
    }
  }

  private Optional<Observation> find(Observation observation) {
    Bundle found =
        client
            .search()
            .byUrl("Observation?identifier=" + encode(identity(observation)) + "&_count=2")
            .returnBundle(Bundle.class)
            .execute();
    List<Observation> matches =
        found.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Observation.class::isInstance)
            .map(Observation.class::cast)
            .toList();
    if (matches.size() > 1) {
      throw new IllegalStateException(
          baseUrl + " holds " + matches.size() + " Observations with " + identity(observation));
    }
    return matches.stream().findFirst();
  }

  /** The Observation as another server can take it: no local ids, no local references. */
  static Observation forRemote(Observation local) {
    Observation remote = local.copy();
    remote.setIdElement(null);
    remote.getMeta().setProfile(List.of());
    Reference subject = remote.getSubject();
    Reference logical = new Reference();
    logical.setIdentifier(subject.getIdentifier());
    logical.setDisplay(subject.getDisplay());
    remote.setSubject(logical);
    remote.getPerformer().clear();
    if (local.getPerformer().stream()
        .anyMatch(p -> p.getReference() != null && p.getReference().startsWith("Patient/"))) {
      remote.addPerformer(logical.copy());
    }
    if (remote.hasDevice()) {
      remote.setDevice(
          new Reference()
              .setDisplay("device " + remote.getDevice().getReferenceElement().getIdPart()));
    }
    return remote;
  }

  private static Observation withoutId(Observation stored) {
    Observation copy = stored.copy();
    copy.setIdElement(null);
    copy.getMeta().setProfile(List.of());
    return copy;
  }

  private static String identity(Observation observation) {
    Identifier identifier =
        observation.getIdentifier().stream()
            .filter(id -> ObservationFactory.IDENTITY_SYSTEM.equals(id.getSystem()))
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("An Observation of the bridge without identity"));
    return identifier.getSystem() + "|" + identifier.getValue();
  }

  private RuntimeException refusedOrRetried(BaseServerResponseException e) {
    int status = e.getStatusCode();
    boolean lasting = status >= 400 && status < 500 && status != 408 && status != 429;
    if (lasting) {
      return new UnprocessableEntityException(
          "remote-refused: " + baseUrl + " answered " + status + ": " + e.getMessage());
    }
    return new IllegalStateException(
        "remote-unavailable: " + baseUrl + " answered " + status + ": " + e.getMessage(), e);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
