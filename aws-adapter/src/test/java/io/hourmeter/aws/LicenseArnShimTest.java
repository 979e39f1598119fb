package io.hourmeter.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.aws.LicenseArnShim.LicensedRecord;
import io.hourmeter.aws.LicenseArnShim.RecordIdentity;
import io.hourmeter.local.AcceptedRecord;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.local.ModelledError;
import io.hourmeter.local.SaasCustomer;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerResponse;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResult;

/** The shim with the real SDK client (UrlConnection, SDK retries off) over HTTP against the local endpoint. */
class LicenseArnShimTest {

  private static final Instant NOW = Instant.parse("2026-11-23T10:20:00Z");
  private static final Instant HOUR = Instant.parse("2026-11-23T09:00:00Z");
  private static final String PRODUCT = "prod-saas";
  private static final String L1 = "arn:aws:license-manager::111111111111:license/l-aaaa";
  private static final String L2 = "arn:aws:license-manager::111111111111:license/l-bbbb";
  private static final String L3 = "arn:aws:license-manager::222222222222:license/l-cccc";
  private static final String L_UNKNOWN = "arn:aws:license-manager::555555555555:license/l-none";

  private final LocalMeteringEndpoint endpoint = LocalMeteringEndpoint.builder()
      .product(PRODUCT, "api_calls", "storage")
      .subscriber(PRODUCT, SaasCustomer.license("111111111111", L1))
      .subscriber(PRODUCT, SaasCustomer.license("111111111111", L2))
      .subscriber(PRODUCT, SaasCustomer.license("222222222222", L3))
      .subscriber(PRODUCT, SaasCustomer.account("333333333333"))
      .registration("reg-1", PRODUCT, SaasCustomer.license("222222222222", L3))
      .clock(() -> NOW)
      .build()
      .start();
  private final MarketplaceMeteringClient client = client(true);

  private MarketplaceMeteringClient client(boolean withShim) {
    // clientOverrides() carries the shim; without it, the same settings but the shim.
    var overrides = (withShim ? AwsUsageSubmitter.clientOverrides() : ClientOverrideConfiguration.builder()
        .retryStrategy(AwsRetryStrategy.doNotRetry())
        .addExecutionInterceptor(new GeneratedClientTokenGuard()))
        .apiCallTimeout(Duration.ofSeconds(10));
    return MarketplaceMeteringClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(Duration.ofSeconds(5)))
        .overrideConfiguration(overrides.build())
        .region(Region.US_EAST_1)
        .credentialsProvider(LocalAws.credentials(LocalAws.ACCESS_KEY))
        .endpointOverride(endpoint.uri())
        .build();
  }

  @AfterEach
  void stop() {
    client.close();
    endpoint.close();
  }

  private static UsageRecord record(String account, String dimension, Instant at, int quantity) {
    return UsageRecord.builder().customerAWSAccountId(account).dimension(dimension).timestamp(at).quantity(quantity)
        .build();
  }

  @Test
  void eachRecordReachesTheEndpointWithItsLicenseArnAndIsAnsweredPerRecord() {
    endpoint.preRecord(PRODUCT, SaasCustomer.license("111111111111", L2), "storage", HOUR, 1);
    List<LicensedRecord> records = List.of(
        new LicensedRecord(record("111111111111", "api_calls", HOUR, 5), L1),
        new LicensedRecord(record("222222222222", "api_calls", HOUR.plusSeconds(17), 6), L3),
        new LicensedRecord(record("333333333333", "api_calls", HOUR, 7), null),
        new LicensedRecord(record("555555555555", "api_calls", HOUR, 8), L_UNKNOWN),
        new LicensedRecord(record("111111111111", "storage", HOUR, 2), L2));

    BatchMeterUsageResponse response = client.batchMeterUsage(LicenseArnShim.request(PRODUCT, records));

    Map<RecordIdentity, String> licenseOf = new HashMap<>();
    records.forEach(r -> licenseOf.put(RecordIdentity.of(r.record()), String.valueOf(r.licenseArn())));
    Map<String, String> statusByLicense = response.results().stream().collect(Collectors.toMap(
        result -> licenseOf.get(RecordIdentity.of(result.usageRecord())), UsageRecordResult::statusAsString));
    assertThat(statusByLicense).isEqualTo(Map.of(L1, "Success", L3, "Success", "null", "Success",
        L_UNKNOWN, "CustomerNotSubscribed", L2, "DuplicateRecord"));
    assertThat(response.unprocessedRecords()).isEmpty();
    assertThat(endpoint.accepted()).extracting(AcceptedRecord::customer).containsExactly(
        SaasCustomer.license("111111111111", L2), SaasCustomer.license("111111111111", L1),
        SaasCustomer.license("222222222222", L3), SaasCustomer.account("333333333333"));
    assertThat(endpoint.requestBodies()).singleElement().satisfies(body ->
        assertThat(body).contains(L1, L2, L3, L_UNKNOWN).doesNotContain("\"LicenseArn\":null"));
  }

  @Test
  void withoutTheShimTheSdkDropsLicenseArnSoLicensedBuyersAreNotSubscribed() {
    try (MarketplaceMeteringClient plain = client(false)) {
      BatchMeterUsageResponse response = plain.batchMeterUsage(LicenseArnShim.request(PRODUCT,
          List.of(new LicensedRecord(record("111111111111", "api_calls", HOUR, 5), L1))));

      assertThat(response.results()).extracting(UsageRecordResult::statusAsString)
          .containsExactly("CustomerNotSubscribed");
      assertThat(endpoint.requestBodies().get(0)).doesNotContain("LicenseArn");
    }
  }

  @Test
  void withoutProductCodeTheLicensesNameTheProduct() {
    BatchMeterUsageResponse response = client.batchMeterUsage(LicenseArnShim.request(null,
        List.of(new LicensedRecord(record("111111111111", "api_calls", HOUR, 5), L1))));

    assertThat(response.results()).extracting(UsageRecordResult::statusAsString).containsExactly("Success");
    assertThat(endpoint.accepted()).extracting(AcceptedRecord::productCode).containsExactly(PRODUCT);
  }

  @Test
  void recordsThatDifferOnlyInLicenseArnAreRefusedBeforeAnythingIsSent() {
    assertThatThrownBy(() -> LicenseArnShim.request(PRODUCT, List.of(
        new LicensedRecord(record("111111111111", "api_calls", HOUR, 5), L1),
        new LicensedRecord(record("111111111111", "api_calls", HOUR.plusSeconds(30), 5), L2))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("separate calls");
    assertThat(endpoint.counters().requests()).isZero();
  }

  @Test
  void licensesAttachedForRecordsNotInTheRequestFailTheCallBeforeItIsSent() {
    BatchMeterUsageRequest licensed = LicenseArnShim.request(PRODUCT,
        List.of(new LicensedRecord(record("111111111111", "api_calls", HOUR, 5), L1)));
    BatchMeterUsageRequest swapped = licensed.toBuilder()
        .usageRecords(record("111111111111", "storage", HOUR, 5)).build();

    assertThatThrownBy(() -> client.batchMeterUsage(swapped)).isInstanceOf(UnsentRequestException.class)
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not in the request");
    assertThat(endpoint.counters().requests()).isZero();
  }

  @Test
  void invalidLicenseIsClassifiedByItsErrorCode() {
    endpoint.faults().rejectNext(ModelledError.INVALID_LICENSE, 1);
    BatchMeterUsageRequest request = LicenseArnShim.request(PRODUCT,
        List.of(new LicensedRecord(record("111111111111", "api_calls", HOUR, 5), L1)));

    Throwable invalid = catchFailure(() -> client.batchMeterUsage(request));
    endpoint.faults().throttleNext(1);
    Throwable throttled = catchFailure(() -> client.batchMeterUsage(request));

    assertThat(invalid).isInstanceOf(AwsServiceException.class);
    assertThat(LicenseArnShim.isInvalidLicense(invalid)).as(String.valueOf(invalid)).isTrue();
    assertThat(LicenseArnShim.isInvalidLicense(throttled)).as(String.valueOf(throttled)).isFalse();
    assertThat(endpoint.accepted()).isEmpty();
  }

  @Test
  void resolveCustomerReadsLicenseArnFromTheRawReply() {
    LicenseArnShim.ResolvedCustomer resolved = LicenseArnShim.resolveCustomer(client, "reg-1");

    assertThat(resolved.licenseArn()).isEqualTo(L3);
    ResolveCustomerResponse response = resolved.response();
    assertThat(response.customerAWSAccountId()).isEqualTo("222222222222");
    assertThat(response.productCode()).isEqualTo(PRODUCT);
  }

  @Test
  void theSdkStillLacksLicenseArnSoTheShimIsNeeded() throws Exception {
    Function<Class<?>, List<String>> methods = type -> Arrays.stream(type.getMethods()).map(Method::getName).toList();

    assertThat(methods.apply(UsageRecord.Builder.class))
        .as("the SDK's UsageRecord has licenseArn now: use it and delete LicenseArnShim")
        .doesNotContain("licenseArn");
    assertThat(methods.apply(ResolveCustomerResponse.class))
        .as("the SDK's ResolveCustomerResponse has licenseArn now: use it and delete LicenseArnShim")
        .doesNotContain("licenseArn");
    assertThatThrownBy(() -> Class.forName(
        "software.amazon.awssdk.services.marketplacemetering.model.InvalidLicenseException"))
        .as("the SDK has InvalidLicenseException now: classify by its class and delete LicenseArnShim")
        .isInstanceOf(ClassNotFoundException.class);
  }

  private static Throwable catchFailure(Runnable call) {
    try {
      call.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }
}
