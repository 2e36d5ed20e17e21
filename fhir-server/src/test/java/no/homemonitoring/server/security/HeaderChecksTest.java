package no.homemonitoring.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.firewall.RequestRejectedException;

class HeaderChecksTest {

  @Test
  void headerValuesWithControlOrUnassignedCharactersAreRefused() {
    assertThat(HeaderChecks.allowedHeaderValue("Bearer abc.def-ghi")).isTrue();
    assertThat(HeaderChecks.allowedHeaderValue("nb-NO, blåbær")).isTrue();
    assertThat(HeaderChecks.allowedHeaderValue("")).isTrue();
    assertThat(HeaderChecks.allowedHeaderValue("a\nb")).isFalse();
    assertThat(HeaderChecks.allowedHeaderValue("a\u0000b")).isFalse();
    assertThat(HeaderChecks.allowedHeaderValue("a\u0085b")).isFalse();
    assertThat(HeaderChecks.allowedHeaderValue("a\u0378b")).isFalse();
  }

  @Test
  void theFirewallRefusesAHeaderWithALineBreak() {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/fhir/Patient");
    request.addHeader("X-Test", "one\r\ntwo");
    var checked = HeaderChecks.firewall().getFirewalledRequest(request);
    assertThatThrownBy(() -> checked.getHeader("X-Test"))
        .isInstanceOf(RequestRejectedException.class);
  }

  @Test
  void aBearerTokenIsTakenFromTheAuthorizationHeaderOnly() {
    assertThat(HeaderChecks.bearerToken(request("Bearer abc.DEF_0-9~+/==")))
        .isEqualTo("abc.DEF_0-9~+/==");
    assertThat(HeaderChecks.bearerToken(request("bearer abc"))).isEqualTo("abc");
    assertThat(HeaderChecks.bearerToken(request("Basic dXNlcjpwdw=="))).isNull();
    assertThat(HeaderChecks.bearerToken(new MockHttpServletRequest())).isNull();
    MockHttpServletRequest inQuery = new MockHttpServletRequest();
    inQuery.setParameter("access_token", "abc");
    assertThat(HeaderChecks.bearerToken(inQuery)).isNull();
  }

  @Test
  void aMalformedBearerTokenIsAnInvalidToken() {
    for (String header :
        new String[] {"Bearer ", "Bearer a b", "Bearer a=b", "Bearer ===", "Bearer é"}) {
      assertThatThrownBy(() -> HeaderChecks.bearerToken(request(header)))
          .as(header)
          .isInstanceOf(OAuth2AuthenticationException.class)
          .hasMessageContaining("malformed");
    }
  }

  private static MockHttpServletRequest request(String authorization) {
    MockHttpServletRequest request = new MockHttpServletRequest();
    request.addHeader("Authorization", authorization);
    return request;
  }
}
