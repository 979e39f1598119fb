package io.hourmeter.aws;

import static io.hourmeter.aws.Reports.PRODUCT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

class AwsUsageSubmitterBuilderTest {

  private final MutableClock clock = MutableClock.atHour(493_400).advance(Duration.ofMinutes(5));
  private final Instant lastHour = Instant.ofEpochSecond((clock.epochHour() - 1) * 3600);

  @Test
  void anOptionSetTwiceFailsNamingIt() {
    assertThatThrownBy(() -> AwsUsageSubmitter.builder().region(Region.US_EAST_1).region(Region.US_WEST_2))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("region");
    assertThatThrownBy(() -> AwsUsageSubmitter.builder().rateLimit(5, Duration.ofSeconds(1))
        .rateLimit(6, Duration.ofSeconds(1))).hasMessageContaining("rateLimit");
    assertThatThrownBy(() -> AwsUsageSubmitter.builder().batchMeterUsage().batchMeterUsage())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("batchMeterUsage");
  }

  @Test
  void badValuesFailNamingTheOption() {
    assertThatThrownBy(() -> AwsUsageSubmitter.builder().readTimeout(Duration.ZERO)).hasMessageContaining("readTimeout");
    assertThatThrownBy(() -> AwsUsageSubmitter.builder().connectTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> AwsUsageSubmitter.builder().failureRateThreshold(0)).hasMessageContaining("failureRateThreshold");
    assertThatThrownBy(() -> AwsUsageSubmitter.builder().slidingWindowSize(0)).hasMessageContaining("slidingWindowSize");
    assertThatThrownBy(() -> AwsUsageSubmitter.builder().rateLimit(0, Duration.ofSeconds(1))).hasMessageContaining("rateLimit");
    assertThatThrownBy(() -> AwsUsageSubmitter.builder().backoff(Duration.ofSeconds(10), 2, 0.5, Duration.ofSeconds(1)))
        .hasMessageContaining("backoff max");
    assertThatThrownBy(() -> AwsUsageSubmitter.builder().backoff(Duration.ofSeconds(1), 2, 1.5, Duration.ofSeconds(9)))
        .hasMessageContaining("jitter");
    assertThatThrownBy(() -> AwsUsageSubmitter.builder().endpointOverride(URI.create("metering.local")))
        .hasMessageContaining("endpointOverride");
    assertThatThrownBy(() -> AwsUsageSubmitter.builder().minimumNumberOfCalls(30).slidingWindowSize(10)
        .region(Region.US_EAST_1).credentialsProvider(LocalAws.credentials(LocalAws.ACCESS_KEY)).build())
        .hasMessageContaining("minimumNumberOfCalls");
  }

  @Test
  void aSuppliedClientExcludesOptionsThatOnlyABuiltClientWouldUse() {
    try (MarketplaceMeteringClient client = MarketplaceMeteringClient.builder().region(Region.US_EAST_1)
        .credentialsProvider(LocalAws.credentials(LocalAws.ACCESS_KEY))
        .httpClient(UrlConnectionHttpClient.create()).build()) {
      assertThatThrownBy(() -> AwsUsageSubmitter.builder().client(client).readTimeout(Duration.ofSeconds(1)).build())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("readTimeout");
    }
  }

  @Test
  void aSuppliedClientBuiltWithTheRecommendedOverridesIsUsedAndLeftOpen() {
    try (LocalMeteringEndpoint endpoint = LocalMeteringEndpoint.builder().product(PRODUCT, "users").clock(clock)
            .build().start();
        MarketplaceMeteringClient client = MarketplaceMeteringClient.builder()
            .region(Region.US_EAST_1)
            .credentialsProvider(LocalAws.credentials(LocalAws.ACCESS_KEY))
            .endpointOverride(endpoint.uri())
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(AwsUsageSubmitter.clientOverrides().build())
            .build()) {
      AwsUsageSubmitter submitter = AwsUsageSubmitter.builder().client(client).build();
      SubmitOutcome outcome = submitter.submit(Reports.hourly("users", lastHour, 5));
      submitter.close();

      assertThat(outcome.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
      assertThat(endpoint.requestBodies().get(0)).doesNotContain("ClientToken");
      assertThat(AwsUsageSubmitter.builder().client(client).build().submit(Reports.hourly("users", lastHour, 5))
          .meteringRecordId()).isEqualTo(outcome.meteringRecordId());
    }
  }

  @Test
  void withoutRegionAndCredentialsTheSdkDefaultChainsAreUsed() {
    try (LocalMeteringEndpoint endpoint = LocalMeteringEndpoint.builder().product(PRODUCT, "users").clock(clock)
        .region("eu-central-1").rejectedAccessKey("AKIDFROMSYSPROPS").build().start()) {
      System.setProperty("aws.region", "eu-central-1");
      System.setProperty("aws.accessKeyId", "AKIDFROMSYSPROPS");
      System.setProperty("aws.secretAccessKey", "secret");
      try (AwsUsageSubmitter submitter = AwsUsageSubmitter.builder().endpointOverride(endpoint.uri()).build()) {
        SubmitOutcome outcome = submitter.submit(Reports.hourly("users", lastHour, 5));

        assertThat(outcome.outcome()).isEqualTo(OutcomeClass.CONFIGURATION);
        assertThat(outcome.errorCode()).as("signed for eu-central-1 with the system-property key")
            .isEqualTo("UnrecognizedClientException");
      } finally {
        System.clearProperty("aws.region");
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
      }
    }
  }

  @Test
  void withoutAnyRegionTheBuildFailsNamingTheRegionOption(@org.junit.jupiter.api.io.TempDir java.nio.file.Path home)
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AWS_REGION") == null
        && System.getenv("AWS_DEFAULT_REGION") == null, "the environment names a region");
    java.nio.file.Path emptyConfig = java.nio.file.Files.createFile(home.resolve("config"));
    System.setProperty("aws.configFile", emptyConfig.toString());
    System.setProperty("aws.sharedCredentialsFile", emptyConfig.toString());
    System.setProperty("aws.disableEc2Metadata", "true");
    try {
      assertThatThrownBy(() -> AwsUsageSubmitter.builder().credentialsProvider(LocalAws.credentials(LocalAws.ACCESS_KEY))
          .build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("region:");
    } finally {
      System.clearProperty("aws.configFile");
      System.clearProperty("aws.sharedCredentialsFile");
      System.clearProperty("aws.disableEc2Metadata");
    }
  }

  @Test
  void irsaWebIdentityCredentialsFindTheStsModuleTheyLoadAtRunTime() throws Exception {
    // WebIdentityTokenFileCredentialsProvider loads this factory by name and silently fails without it.
    Class<?> factory = Class.forName("software.amazon.awssdk.services.sts.internal.StsWebIdentityCredentialsProviderFactory");

    assertThat(factory.getDeclaredConstructor()).isNotNull();
  }
}
