package no.homemonitoring.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import no.homemonitoring.profiles.CoreDefinitions;
import no.homemonitoring.server.config.StartupGateConfiguration.StartupGates;
import no.homemonitoring.server.ingest.ObservationWriter;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/** The server contract on the embedded H2 database (in memory for the test). */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:contract;DB_CLOSE_DELAY=-1",
      "homemonitoring.ingest.inbox-url=jdbc:h2:mem:contract-inbox;DB_CLOSE_DELAY=-1",
      "homemonitoring.security.audit-journal=target/audit-journal/${random.uuid}"
    })
class H2FhirServerIT extends FhirServerContract {

  @LocalServerPort int port;

  @Autowired ApplicationContext context;

  @Override
  int port() {
    return port;
  }

  /**
   * One copy of the R4 core definitions: HAPI's JPA chain and its FHIR context's validation support
   * (used by the search-parameter extractor) ask the validator's instance, not a full copy of their
   * own.
   */
  @Test
  void hapiUsesTheValidatorsCoreDefinitions() {
    CoreDefinitions core = context.getBean(CoreDefinitions.class);
    assertThat(context.getBean("myDefaultProfileValidationSupport")).isSameAs(core);

    FhirContext hapiContext = context.getBean(FhirContext.class);
    StructureDefinition observation =
        (StructureDefinition)
            hapiContext
                .getValidationSupport()
                .fetchStructureDefinition("http://hl7.org/fhir/StructureDefinition/Observation");
    assertThat(observation).isSameAs(core.fetchStructureDefinition(observation.getUrl()));
    assertThat(observation.getSnapshot().getElementFirstRep().hasDefinition())
        .as("the documentation-free copy")
        .isFalse();
  }

  /**
   * A stated purpose of use stops granting access when it runs out, without any write: its end is
   * moved (inside the server, as no API caller can) to a few seconds from now.
   */
  @Test
  void aStatedPurposeStopsGrantingAccessWhenItRunsOut() throws Exception {
    World w = world();
    String fnr =
        client
            .read()
            .resource(Patient.class)
            .withId(w.ownPatient())
            .execute()
            .getIdentifierFirstRep()
            .getValue();
    HttpResponse<String> stated =
        call(
            w.specialist(),
            "POST",
            "/fhir/Patient/$state-purpose",
            AccessControlContract.statement(fnr, "COC", "joint care planning", 8));
    assertThat(stated.statusCode()).as(stated.body()).isEqualTo(200);
    String record =
        ((Reference)
                FHIR.newJsonParser()
                    .parseResource(Parameters.class, stated.body())
                    .getParameter("record")
                    .getValue())
            .getReference();
    assertThat(call(w.specialist(), "GET", "/fhir/" + w.ownPatient(), null).statusCode())
        .isEqualTo(200);

    IFhirResourceDao<AuditEvent> audit =
        context.getBean(DaoRegistry.class).getResourceDao(AuditEvent.class);
    AuditEvent event = audit.read(new IdType(record), new SystemRequestDetails());
    Instant end = Instant.now().plusSeconds(3);
    event.getEntity().stream()
        .flatMap(entity -> entity.getDetail().stream())
        .filter(detail -> detail.getType().equals("valid-until"))
        .forEach(detail -> detail.setValue(new StringType(end.toString())));
    audit.update(event, new SystemRequestDetails());
    assertThat(call(w.specialist(), "GET", "/fhir/" + w.ownPatient(), null).statusCode())
        .isEqualTo(200);

    Thread.sleep(Math.max(0, Duration.between(Instant.now(), end).toMillis()) + 200);
    assertThat(call(w.specialist(), "GET", "/fhir/" + w.ownPatient(), null).statusCode())
        .isIn(403, 404);
    assertThat(
            call(w.specialist(), "GET", "/fhir/Observation?patient=" + w.ownPatient(), null)
                .statusCode())
        .isIn(403, 404);
  }

  @Test
  void theStartupGateIsOpenOnceTheStartUpStepsHaveRun() {
    assertThat(context.getBean(StartupGates.class).allOpen()).isTrue();
  }

  /**
   * The bridge's batch write: every entry or none (a Provenance whose target is missing takes the
   * Observation beside it back out), and a Provenance finds the Observation written before it in
   * the same batch.
   */
  @Test
  void aBridgeBatchIsStoredWholeOrNotAtAll() {
    DaoRegistry daos = context.getBean(DaoRegistry.class);
    ObservationWriter writer = new ObservationWriter(daos);
    IFhirResourceDao<Observation> observations = daos.getResourceDao(Observation.class);
    IFhirResourceDao<Provenance> provenances = daos.getResourceDao(Provenance.class);

    Bundle refused = batch(observation("batch-first"), provenance("batch-refused", "batch-none"));
    assertThatThrownBy(() -> writer.transaction(refused))
        .hasMessageContaining("Observation/batch-none");
    assertThatThrownBy(
            () ->
                observations.read(
                    new IdType("Observation/batch-first"), new SystemRequestDetails()))
        .isInstanceOf(ResourceNotFoundException.class);

    writer.transaction(batch(observation("batch-first"), provenance("batch-kept", "batch-first")));
    assertThat(
            observations
                .read(new IdType("Observation/batch-first"), new SystemRequestDetails())
                .getCode()
                .getText())
        .isEqualTo("batch test");
    assertThat(
            provenances
                .read(new IdType("Provenance/batch-kept"), new SystemRequestDetails())
                .getTargetFirstRep()
                .getReference())
        .isEqualTo("Observation/batch-first");
  }

  private static Observation observation(String id) {
    Observation observation = new Observation();
    observation.setId(id);
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().setText("batch test");
    return observation;
  }

  private static Provenance provenance(String id, String targetObservation) {
    Provenance provenance = new Provenance();
    provenance.setId(id);
    provenance.addTarget(new Reference("Observation/" + targetObservation));
    provenance.setRecorded(new java.util.Date());
    provenance.addAgent().setWho(new Reference().setDisplay("batch test"));
    return provenance;
  }

  private static Bundle batch(Resource... resources) {
    Bundle batch = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (Resource resource : resources) {
      batch
          .addEntry()
          .setResource(resource)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.PUT)
          .setUrl(resource.fhirType() + "/" + resource.getIdElement().getIdPart());
    }
    return batch;
  }
}
