package io.hourmeter.aws;

import static io.hourmeter.aws.Reports.PRODUCT;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SubmitOutcome;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The permission check at start: MeterUsage with DryRun=true, through the real SDK. */
class DryRunTest {

  private LocalMeteringEndpoint endpoint;

  @BeforeEach
  void start() {
    endpoint = LocalMeteringEndpoint.builder().product(PRODUCT, "users").deniedAccessKey("AKIDDENIED").build().start();
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  @Test
  void credentialsAllowedToMeterPassTheCheckAndNothingIsRecorded() {
    try (AwsUsageSubmitter submitter = LocalAws.submitterFor(endpoint).build()) {
      SubmitOutcome outcome = submitter.checkPermission(PRODUCT, "users");

      assertThat(outcome.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
      assertThat(outcome.meteringRecordId()).isEqualTo(AwsUsageSubmitter.DRY_RUN_RECORD_ID);
      assertThat(endpoint.accepted()).isEmpty();
      assertThat(endpoint.requestBodies()).singleElement().asString().contains("\"DryRun\":true");
    }
  }

  @Test
  void credentialsWithoutThePermissionFailTheCheckNamingTheIamAction() {
    try (AwsUsageSubmitter submitter = AwsUsageSubmitter.builder()
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(LocalAws.credentials("AKIDDENIED"))
        .endpointOverride(endpoint.uri())
        .build()) {
      SubmitOutcome outcome = submitter.checkPermission(PRODUCT, "users");

      assertThat(outcome.outcome()).isEqualTo(OutcomeClass.CONFIGURATION);
      assertThat(outcome.errorCode()).isEqualTo("UnauthorizedException");
      assertThat(outcome.message()).contains("aws-marketplace:MeterUsage");
    }
  }

  @Test
  void theCheckNeverThrowsWhenTheEndpointIsUnreachable() {
    endpoint.faults().dropNextBeforeRecord(1);
    try (AwsUsageSubmitter submitter = LocalAws.submitterFor(endpoint).build()) {
      assertThat(submitter.checkPermission(PRODUCT, "users").outcome()).isEqualTo(OutcomeClass.OUTCOME_UNKNOWN);
    }
  }

  @Test
  void theCheckUsesNeitherTheRateLimitNorTheCircuit() {
    try (AwsUsageSubmitter submitter = LocalAws.submitterFor(endpoint).rateLimit(1, Duration.ofMinutes(10)).build()) {
      for (int i = 0; i < 3; i++) {
        submitter.checkPermission(PRODUCT, "users");
      }

      assertThat(submitter.tryAcquirePermission().granted()).isTrue();
    }
  }
}
