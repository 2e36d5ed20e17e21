package no.homemonitoring.server.validation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Gives each entry of a {@code batch-response} (and {@code transaction-response}) the {@code
 * fullUrl} of the request entry it answers, as the Norwegian PMD batch pattern asks: a sender can
 * tie each status, and each error, to the measurement it sent. HAPI answers entries in request
 * order but leaves {@code fullUrl} out.
 */
@Interceptor
public class BatchResponseFullUrlInterceptor {

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public void outgoing(RequestDetails request, ResponseDetails response) {
    if (!(request.getResource() instanceof Bundle sent)
        || !(response.getResponseResource() instanceof Bundle answer)) {
      return;
    }
    boolean answersSent =
        (sent.getType() == Bundle.BundleType.BATCH
                && answer.getType() == Bundle.BundleType.BATCHRESPONSE)
            || (sent.getType() == Bundle.BundleType.TRANSACTION
                && answer.getType() == Bundle.BundleType.TRANSACTIONRESPONSE);
    if (!answersSent || sent.getEntry().size() != answer.getEntry().size()) {
      return;
    }
    for (int i = 0; i < sent.getEntry().size(); i++) {
      Bundle.BundleEntryComponent entry = answer.getEntry().get(i);
      if (!entry.hasFullUrl() && sent.getEntry().get(i).hasFullUrl()) {
        entry.setFullUrl(sent.getEntry().get(i).getFullUrl());
      }
    }
  }
}
