package no.homemonitoring.server;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

/** The server contract on a real PostgreSQL, started by the test itself (no Docker). */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "homemonitoring.security.audit-journal=target/audit-journal/${random.uuid}")
@ActiveProfiles("postgres")
@Import(EmbeddedPostgresConfiguration.class)
class PostgresFhirServerIT extends FhirServerContract {

  @LocalServerPort int port;

  @Override
  int port() {
    return port;
  }
}
