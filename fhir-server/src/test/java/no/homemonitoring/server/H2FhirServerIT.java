package no.homemonitoring.server;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import no.homemonitoring.profiles.CoreDefinitions;
import no.homemonitoring.server.config.StartupGateConfiguration.StartupGates;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/** The server contract on the embedded H2 database (in memory for the test). */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.datasource.url=jdbc:h2:mem:contract;DB_CLOSE_DELAY=-1")
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

  @Test
  void theStartupGateIsOpenOnceTheStartUpStepsHaveRun() {
    assertThat(context.getBean(StartupGates.class).allOpen()).isTrue();
  }
}
