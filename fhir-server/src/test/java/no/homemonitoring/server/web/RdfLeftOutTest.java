package no.homemonitoring.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The build leaves out Apache Jena (FHIR's RDF format, not offered), but not what else HAPI needs
 * from Jena's dependencies: its bulk-import activation job, run every few seconds, calls a class of
 * titanium-json-ld, and without it logs a NoClassDefFoundError each time.
 */
class RdfLeftOutTest {

  @Test
  void jenaIsNotOnTheClasspath() {
    assertThatThrownBy(() -> Class.forName("org.apache.jena.rdf.model.Model"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void whatHapisBulkImportJobUsesIs() throws Exception {
    assertThat(Class.forName("com.apicatalog.jsonld.StringUtils")).isNotNull();
    assertThat(Class.forName("ca.uhn.fhir.jpa.bulk.imprt.svc.BulkDataImportSvcImpl")).isNotNull();
  }

  @Test
  void turtleMediaTypesAreRecognised() {
    assertThat(RdfFormatFilter.isTurtle("text/turtle;charset=utf-8")).isTrue();
    assertThat(RdfFormatFilter.isTurtle(" application/fhir+turtle")).isTrue();
    assertThat(RdfFormatFilter.isTurtle("ttl")).isTrue();
    assertThat(RdfFormatFilter.isTurtle("application/fhir+json")).isFalse();
    assertThat(RdfFormatFilter.isTurtle(null)).isFalse();
  }
}
