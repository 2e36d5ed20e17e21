package no.homemonitoring.server.search;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;

/**
 * Runs every search as one synchronous, offset-paged query.
 *
 * <p>By default HAPI registers each search in its search tables, fills them from a background
 * thread and serves pages from there. That costs several writes per read, and the stored result set
 * ties paging to the node and the moment the search ran. A nurse's worklist and a specialist's
 * trend query read one patient's page of measurements: one SQL query with a limit is cheaper, every
 * page reflects the current data, and any node of a cluster can serve the next page (the {@code
 * next} link carries {@code _offset}).
 */
@Interceptor
public class StatelessPagingInterceptor {

  private final int defaultPageSize;

  public StatelessPagingInterceptor(int defaultPageSize) {
    this.defaultPageSize = defaultPageSize;
  }

  @Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
  public void pageByOffset(SearchParameterMap params) {
    if (params.getEverythingMode() != null || params.isLoadSynchronous()) {
      return;
    }
    if (params.getCount() == null) {
      params.setCount(defaultPageSize);
    }
    if (params.getOffset() == null) {
      params.setOffset(0);
    }
  }
}
