package no.homemonitoring.server.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;
import no.homemonitoring.server.ingest.IngestAudit;
import no.homemonitoring.server.ingest.MeasurementOutcome;
import no.homemonitoring.server.search.PatientSearchCacheFilter;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts HAPI's access mechanisms on the FHIR endpoint, in the order they act on a request: consent
 * only for relatives, search narrowing to the caller's patients, the role rules, the consent
 * decisions, the token's scopes, and last the audit trail of what was touched.
 */
@Configuration
public class FhirAccessConfiguration {

  @Bean
  public AccessScopes accessScopes(DaoRegistry daoRegistry, IInterceptorService storage) {
    AccessScopes scopes = new AccessScopes(daoRegistry, Clock.systemUTC());
    // On the storage interceptor service: writes made inside the server (demo data, the bridge)
    // change access too.
    storage.registerInterceptor(scopes);
    // Also on storage: it must see the searches inside batches and transactions.
    storage.registerInterceptor(new ReverseChainGuard());
    return scopes;
  }

  @Bean
  @SuppressWarnings("unchecked")
  public AuditWriter auditWriter(
      IFhirSystemDao<?, ?> systemDao, DaoRegistry daoRegistry, SecurityProperties properties) {
    return new AuditWriter(
        (IFhirSystemDao<Bundle, ?>) systemDao,
        daoRegistry.getResourceDao(org.hl7.fhir.r4.model.AuditEvent.class),
        properties.auditJournal(),
        20_000,
        properties.auditWindow());
  }

  @Bean
  public AuditTrail auditTrail(AuditWriter writer, FhirContext fhirContext, AccessScopes scopes) {
    return new AuditTrail(writer, fhirContext, Clock.systemUTC(), scopes);
  }

  /**
   * The device bridge's writes in the patients' trails: one access per submission, patient and
   * interaction (created or updated measurements), by the vendor that signed the push.
   */
  @Bean
  public IngestAudit ingestAudit(AuditTrail auditTrail) {
    record Written(String patientId, String action) {}
    return (submission, outcomes) -> {
      Set<Written> written = new LinkedHashSet<>();
      for (MeasurementOutcome outcome : outcomes) {
        if (outcome.stored() && outcome.patientId() != null) {
          String action = MeasurementOutcome.CREATED.equals(outcome.outcome()) ? "C" : "U";
          written.add(new Written(outcome.patientId(), action));
        }
      }
      for (Written one : written) {
        auditTrail.ingested(submission, one.patientId(), one.action());
      }
    };
  }

  @Bean
  public PatientSearchCacheFilter.Access searchCacheAccess(
      AuditTrail auditTrail, AccessScopes scopes) {
    return new PatientSearchCacheFilter.Access() {
      @Override
      public boolean cacheable() {
        // A relative's view depends on the consent's period, a specialist's stated purpose on its
        // end: both run out without any write.
        return Caller.current()
            .map(
                caller ->
                    caller.role() != Role.RELATIVE
                        && (caller.role() != Role.SPECIALIST
                            || scopes.of(caller).expires() == null))
            .orElse(false);
      }

      @Override
      public void served(HttpServletRequest request, String patientId) {
        auditTrail.cachedSearch(request, patientId);
      }
    };
  }

  @Bean
  public InitializingBean fhirAccessInterceptors(
      RestfulServer server,
      AccessScopes scopes,
      SecurityProperties properties,
      FhirContext fhirContext,
      AuditTrail auditTrail,
      DaoRegistry daoRegistry,
      SecurityConfiguration.ClientRoles clientRoles) {
    return () -> {
      server.registerProvider(new WhoCanSeeProvider(daoRegistry, clientRoles.roles()));
      server.registerProvider(new StatedPurposes(daoRegistry, auditTrail, Clock.systemUTC()));
      server.registerInterceptor(new RelativeConsentService.OnlyForRelatives());
      server.registerInterceptor(new PatientSearchNarrowing(scopes));
      server.registerInterceptor(
          new RoleAuthorizationInterceptor(scopes, properties.minSecurityLevel()));
      server.registerInterceptor(
          new ConsentInterceptor(
              new RelativeConsentService(scopes, fhirContext, Clock.systemUTC())));
      server.registerInterceptor(new SmartScopeInterceptor());
      server.registerInterceptor(new UniformNotFound());
      server.registerInterceptor(auditTrail);
    };
  }
}
