package no.homemonitoring.server.ingest;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import no.homemonitoring.bridge.MeasurementRules;
import no.homemonitoring.bridge.VendorAdapter;
import no.homemonitoring.bridge.fhir.FhirBundleAdapter;
import no.homemonitoring.bridge.gatt.GattAdapter;
import no.homemonitoring.bridge.openmhealth.OpenMHealthAdapter;
import no.homemonitoring.terminology.Terminology;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The device bridge in the server: inbox, adapters, worker and the ingest API's parts. */
@Configuration(proxyBeanMethods = false)
public class IngestConfiguration {

  @Bean
  Clock ingestClock() {
    return Clock.systemUTC();
  }

  @Bean
  MeasurementRules measurementRules() {
    return new MeasurementRules(Terminology.bundled());
  }

  @Bean
  OpenMHealthAdapter openMHealthAdapter(MeasurementRules rules) {
    return new OpenMHealthAdapter(rules);
  }

  @Bean
  GattAdapter gattAdapter(MeasurementRules rules) {
    return new GattAdapter(rules);
  }

  @Bean
  FhirBundleAdapter fhirBundleAdapter(MeasurementRules rules) {
    return new FhirBundleAdapter(rules);
  }

  /** The inbox's database: its own (H2 by default) or the main one (the postgres profile). */
  @Bean(destroyMethod = "close")
  InboxDatabase inboxDatabase(
      DataSource dataSource, PlatformTransactionManager transactions, IngestProperties properties) {
    if (properties.inboxUrl().isBlank()) {
      IngestSchema.migrate(dataSource);
      return InboxDatabase.shared(dataSource, transactions);
    }
    InboxDatabase inbox = InboxDatabase.own(properties.inboxUrl());
    try {
      IngestSchema.migrate(inbox.dataSource());
      InboxMove.fromMainDatabase(dataSource, inbox.dataSource());
    } catch (RuntimeException e) {
      inbox.close();
      throw e;
    }
    return inbox;
  }

  @Bean
  SubmissionStore submissionStore(InboxDatabase inbox) {
    return new SubmissionStore(
        new JdbcTemplate(inbox.dataSource()), new TransactionTemplate(inbox.transactions()));
  }

  @Bean
  VendorAuthenticator vendorAuthenticator(
      IngestProperties properties, SubmissionStore store, Clock ingestClock) {
    return new VendorAuthenticator(properties, store, ingestClock);
  }

  @Bean
  IngestProcessor ingestProcessor(
      List<VendorAdapter> adapters, DaoRegistry daos, IngestProperties properties) {
    if (properties.deliverTo().isBlank()) {
      ObservationWriter local = new ObservationWriter(daos);
      return new IngestProcessor(adapters, new PatientBinder(daos), local, daos, properties, local);
    }
    RemoteFhirSink remote =
        new RemoteFhirSink(properties.deliverTo(), properties.deliveryTimeout());
    return new IngestProcessor(adapters, new PatientBinder(daos), remote, daos, properties, null);
  }

  @Bean
  IngestWorker ingestWorker(
      SubmissionStore store,
      IngestProcessor processor,
      IngestProperties properties,
      Clock ingestClock,
      IInterceptorService interceptors,
      IngestAudit audit) {
    IngestWorker worker = new IngestWorker(store, processor, properties, ingestClock, audit);
    interceptors.registerInterceptor(new QuarantineReleaseInterceptor(worker));
    return worker;
  }
}
