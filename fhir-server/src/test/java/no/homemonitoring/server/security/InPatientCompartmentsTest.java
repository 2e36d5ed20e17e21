package no.homemonitoring.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester.RuleTestRequest;
import ca.uhn.fhir.rest.server.interceptor.auth.IRuleApplier;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class InPatientCompartmentsTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private final InPatientCompartments tester = InPatientCompartments.anyOf(Set.of("a", "b"));
  private final InPatientCompartments writes = InPatientCompartments.allOf(Set.of("a", "b"));

  @Test
  void anObservationIsInsideWhenItsSubjectIsOneOfThePatients() {
    assertThat(tester.matchesOutput(request(observationOf("Patient/b"), null))).isTrue();
    assertThat(tester.matchesOutput(request(observationOf("Patient/c"), null))).isFalse();
  }

  @Test
  void aPatientIsInsideWhenItIsOneOfThePatients() {
    Patient inside = new Patient();
    inside.setId("Patient/a");
    Patient outside = new Patient();
    outside.setId("Patient/c");
    assertThat(tester.matchesOutput(request(inside, null))).isTrue();
    assertThat(tester.matchesOutput(request(outside, null))).isFalse();
  }

  @Test
  void anObservationWithoutAPatientIsOutside() {
    assertThat(tester.matchesOutput(request(new Observation(), null))).isFalse();
    assertThat(tester.matchesOutput(request(observationOf("Group/a"), null))).isFalse();
  }

  @Test
  void aReadOfAPatientOutsideIsRefusedBeforeLoadingAndOtherReadsWaitForTheResource() {
    assertThat(tester.matches(request(null, new IdType("Patient/c")))).isFalse();
    assertThat(tester.matches(request(null, new IdType("Patient/a")))).isTrue();
    assertThat(tester.matches(request(null, new IdType("Observation/1")))).isTrue();
  }

  @Test
  void anIncomingResourceIsTestedItself() {
    assertThat(tester.matches(request(observationOf("Patient/a"), null))).isTrue();
    assertThat(tester.matches(request(observationOf("Patient/c"), null))).isFalse();
  }

  @Test
  void aWriteMustNameOnlyThePatientsAndAtLeastOne() {
    Observation crossing = observationOf("Patient/c");
    crossing.addPerformer(new Reference("Patient/a"));
    assertThat(tester.matches(request(crossing, null))).as("a read: one is enough").isTrue();
    assertThat(writes.matches(request(crossing, null))).isFalse();
    Observation own = observationOf("Patient/a");
    own.addPerformer(new Reference("Patient/b"));
    assertThat(writes.matches(request(own, null))).isTrue();
    assertThat(writes.matches(request(new Observation(), null))).isFalse();

    CareTeam team = new CareTeam().setSubject(new Reference("Patient/c"));
    team.addParticipant().setMember(new Reference("Patient/a"));
    assertThat(writes.matches(request(team, null)))
        .as("a care team for someone else's patient, with an own patient in it")
        .isFalse();

    Patient outside = new Patient();
    outside.setId("Patient/c");
    outside.addLink().setOther(new Reference("Patient/a"));
    assertThat(writes.matches(request(outside, null))).isFalse();
  }

  @Test
  void aPatchDocumentIsLeftToTheChecksOfTheResourceBeforeAndAfter() {
    SystemRequestDetails details = new SystemRequestDetails();
    details.setFhirContext(FHIR);
    RuleTestRequest patch =
        new RuleTestRequest(
            PolicyEnum.ALLOW,
            RestOperationTypeEnum.PATCH,
            details,
            new IdType("Observation/1"),
            new Parameters(),
            mock(IRuleApplier.class));
    assertThat(writes.matches(patch)).isTrue();
  }

  private static Observation observationOf(String subject) {
    Observation observation = new Observation();
    observation.setId("Observation/1");
    observation.setSubject(new Reference(subject));
    return observation;
  }

  private static RuleTestRequest request(IBaseResource resource, IIdType id) {
    SystemRequestDetails details = new SystemRequestDetails();
    details.setFhirContext(FHIR);
    return new RuleTestRequest(
        PolicyEnum.ALLOW,
        RestOperationTypeEnum.READ,
        details,
        id,
        resource,
        mock(IRuleApplier.class));
  }
}
