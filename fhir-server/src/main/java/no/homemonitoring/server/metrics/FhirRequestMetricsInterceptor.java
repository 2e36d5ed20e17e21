package no.homemonitoring.server.metrics;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Records a timer per FHIR request, tagged by resource type, interaction and outcome.
 *
 * <p>The FHIR endpoint is a plain servlet, so Spring MVC's {@code http.server.requests} cannot tell
 * a search from a create; this timer can.
 */
@Component
@Interceptor
public class FhirRequestMetricsInterceptor {

  static final String METRIC = "fhir.requests";
  private static final String FAILED = "__failed";

  private final MeterRegistry registry;

  public FhirRequestMetricsInterceptor(MeterRegistry registry) {
    this.registry = registry;
  }

  @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
  public boolean markFailed(RequestDetails request, BaseServerResponseException exception) {
    request.getUserData().put(FAILED, exception.getStatusCode());
    return true;
  }

  @Hook(Pointcut.SERVER_PROCESSING_COMPLETED)
  public void record(RequestDetails request, ServletRequestDetails servletRequest) {
    RestOperationTypeEnum operation = request.getRestOperationType();
    Object failedStatus = request.getUserData().get(FAILED);
    int status =
        failedStatus != null
            ? (Integer) failedStatus
            : servletRequest.getServletResponse().getStatus();
    Timer.builder(METRIC)
        .description("FHIR requests by resource type, interaction and outcome")
        .tag("resource", request.getResourceName() == null ? "system" : request.getResourceName())
        .tag("interaction", operation == null ? "unknown" : operation.getCode())
        .tag("status", status / 100 + "xx")
        .register(registry)
        .record(request.getRequestStopwatch().getMillis(), TimeUnit.MILLISECONDS);
  }
}
