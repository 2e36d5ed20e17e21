package no.homemonitoring.server.startup;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The build's training start ({@code --homemonitoring.training-run=true}): once every start-up step
 * has run, asks the server for its CapabilityStatement over HTTP, as a client's first request does,
 * and exits. The build records which classes this start loaded and archives them for class data
 * sharing (see fhir-server/pom.xml), so the archive covers a whole start and not only the context
 * refresh.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
@ConditionalOnProperty(prefix = "homemonitoring", name = "training-run", havingValue = "true")
public class TrainingRun implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

  private final ConfigurableApplicationContext context;

  public TrainingRun(ConfigurableApplicationContext context) {
    this.context = context;
  }

  @Override
  public void run(ApplicationArguments args) throws Exception {
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<Void> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/metadata"))
                .header("Accept", "application/fhir+json")
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    log.info("Training run: /fhir/metadata answered {}; exiting", response.statusCode());
    int status = response.statusCode() == 200 ? 0 : 1;
    System.exit(SpringApplication.exit(context, () -> status));
  }
}
