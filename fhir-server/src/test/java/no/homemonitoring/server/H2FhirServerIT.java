package no.homemonitoring.server;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The server contract on the embedded H2 database (in memory for the test). */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.datasource.url=jdbc:h2:mem:contract;DB_CLOSE_DELAY=-1")
class H2FhirServerIT extends FhirServerContract {

  @LocalServerPort int port;

  @Override
  int port() {
    return port;
  }
}
