package io.hourmeter.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResolveCustomerTest {

  private static final String LICENSE = "arn:aws:license-manager::111111111111:license/l-aaaa";
  private static final String TARGET = LocalMeteringEndpoint.RESOLVE_CUSTOMER_TARGET;

  @Test
  void aRegisteredTokenResolvesToItsBuyerWithLicenseArnAndTheBuyerIsSubscribed() throws Exception {
    try (LocalMeteringEndpoint endpoint = LocalMeteringEndpoint.builder().product("prod-saas", "api_calls")
        .registration("tok-1", "prod-saas", SaasCustomer.license("111111111111", LICENSE))
        .clock(() -> Instant.parse("2026-11-23T10:20:00Z")).build().start()) {
      RawClient client = new RawClient(endpoint.uri());

      HttpResponse<String> resolved = client.send("{\"RegistrationToken\":\"tok-1\"}", RawClient.AUTH, TARGET);
      HttpResponse<String> unknown = client.send("{\"RegistrationToken\":\"tok-2\"}", RawClient.AUTH, TARGET);
      HttpResponse<String> metered = client.batchMeterUsage(RawClient.batchBody("prod-saas", RawClient.usageRecord(
          "\"CustomerAWSAccountId\":\"111111111111\",\"LicenseArn\":\"" + LICENSE + "\"", "api_calls",
          Instant.parse("2026-11-23T09:00:00Z"), 1)));

      assertThat(resolved.statusCode()).isEqualTo(200);
      assertThat(Json.parse(resolved.body())).isEqualTo(Map.of("CustomerAWSAccountId", "111111111111",
          "LicenseArn", LICENSE, "ProductCode", "prod-saas"));
      assertThat(unknown.headers().firstValue("x-amzn-ErrorType")).hasValue("InvalidTokenException");
      assertThat(metered.body()).contains("\"Status\":\"Success\"");
    }
  }

  @Test
  void anExpiredRegistrationTokenIsExpiredTokenExceptionAboutTheRegistrationTokenNotTheSecurityToken()
      throws Exception {
    try (LocalMeteringEndpoint endpoint = LocalMeteringEndpoint.builder().product("prod-saas", "api_calls")
        .expiredRegistrationToken("tok-old").build().start()) {
      HttpResponse<String> expired = new RawClient(endpoint.uri())
          .send("{\"RegistrationToken\":\"tok-old\"}", RawClient.AUTH, TARGET);

      assertThat(expired.statusCode()).isEqualTo(400);
      assertThat(expired.headers().firstValue("x-amzn-ErrorType")).hasValue("ExpiredTokenException");
      assertThat(expired.body()).contains("registration token").doesNotContain("security token");
    }
  }
}
