package no.homemonitoring.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** A whole server started and stopped by a test, for tests about the server's lifecycle. */
final class RunningServer implements AutoCloseable {

  private final ConfigurableApplicationContext context;
  private final int port;

  private RunningServer(ConfigurableApplicationContext context) {
    this.context = context;
    this.port = ((ServletWebServerApplicationContext) context).getWebServer().getPort();
  }

  /** Starts a server with the given {@code key=value} settings, passed as command-line args. */
  static RunningServer start(String... settings) {
    java.util.List<String> args =
        java.util.stream.Stream.concat(
                java.util.stream.Stream.of("server.port=0"), java.util.Arrays.stream(settings))
            .map(setting -> "--" + setting)
            .collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
    args.addAll(TestTokens.arguments());
    return new RunningServer(
        new SpringApplicationBuilder(FhirServerApplication.class).run(args.toArray(String[]::new)));
  }

  IGenericClient client() {
    FhirContext fhir = FhirContext.forR4Cached();
    fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    return TestTokens.asSystem(fhir.newRestfulGenericClient("http://localhost:" + port + "/fhir"));
  }

  /** Creates a patient named Nordmann with a fresh synthetic national id; returns its id. */
  String createPatient() {
    return client()
        .create()
        .resource(FhirServerContract.patient(FhirServerContract.uniqueFnr()))
        .execute()
        .getId()
        .getIdPart();
  }

  @Override
  public void close() {
    context.close();
  }
}
