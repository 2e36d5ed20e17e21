package no.homemonitoring.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import org.junit.jupiter.api.Test;

class StatelessPagingInterceptorTest {

  StatelessPagingInterceptor interceptor = new StatelessPagingInterceptor(20);

  @Test
  void searchWithoutPagingBecomesAnOffsetQueryOfTheDefaultPageSize() {
    SearchParameterMap params = new SearchParameterMap();

    interceptor.pageByOffset(params);

    assertThat(params.isOffsetQuery()).isTrue();
    assertThat(params.getOffset()).isZero();
    assertThat(params.getCount()).isEqualTo(20);
  }

  @Test
  void requestedPageIsKept() {
    SearchParameterMap params = new SearchParameterMap();
    params.setCount(50);
    params.setOffset(100);

    interceptor.pageByOffset(params);

    assertThat(params.getCount()).isEqualTo(50);
    assertThat(params.getOffset()).isEqualTo(100);
  }

  @Test
  void everythingOperationIsLeftToHapi() {
    SearchParameterMap params = new SearchParameterMap();
    params.setEverythingMode(SearchParameterMap.EverythingModeEnum.PATIENT_INSTANCE);

    interceptor.pageByOffset(params);

    assertThat(params.getOffset()).isNull();
  }
}
