package io.hourmeter.aws;

import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;

/**
 * MeterUsage (hourly and AgentCore modes): one report per call, built by {@link MeterUsageRequests},
 * checked against {@link ReportLimits}, and permission checked with a DryRun. Stateless; thread-safe.
 */
final class MeterUsageOperation implements MeteringOperation {

  private final InstantSource clock;

  /** @param clock the time a DryRun permission check is stamped with */
  MeterUsageOperation(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public String iamAction() {
    return AwsUsageSubmitter.METER_USAGE_PERMISSION;
  }

  @Override
  public int maxReportsPerCall() {
    return 1;
  }

  @Override
  public int callSize(List<UsageReport> candidates) {
    return 1;
  }

  @Override
  public Optional<String> violation(UsageReport report) {
    return ReportLimits.violation(report);
  }

  @Override
  public List<SubmitOutcome> call(MarketplaceMeteringClient client, List<UsageReport> reports) {
    MeterUsageResponse response = client.meterUsage(MeterUsageRequests.of(reports.get(0)));
    String recordId = response.meteringRecordId();
    if (recordId == null || recordId.isEmpty()) {
      return List.of(SubmitOutcome.failed(OutcomeClass.OUTCOME_UNKNOWN, "MissingMeteringRecordId",
          "MeterUsage answered without a MeteringRecordId"));
    }
    return List.of(SubmitOutcome.accepted(recordId));
  }

  /**
   * Sends MeterUsage with {@code DryRun=true}. {@code DryRunOperation} means the credentials may call
   * MeterUsage: {@link OutcomeClass#ACCEPTED} with record id {@value AwsUsageSubmitter#DRY_RUN_RECORD_ID}.
   * {@code UnauthorizedException} is {@link OutcomeClass#CONFIGURATION} with a message naming
   * {@value AwsUsageSubmitter#METER_USAGE_PERMISSION}; other failures are classified as for a send.
   */
  @Override
  public SubmitOutcome checkPermission(MarketplaceMeteringClient client, String productCode, String dimension) {
    try {
      client.meterUsage(MeterUsageRequests.dryRun(productCode, dimension, clock.instant()));
      return SubmitOutcome.accepted(AwsUsageSubmitter.DRY_RUN_RECORD_ID);
    } catch (RuntimeException e) {
      SubmitOutcome outcome = ErrorClassification.classify(e, iamAction());
      if ("UnauthorizedException".equals(outcome.errorCode())) {
        return SubmitOutcome.failed(OutcomeClass.CONFIGURATION, outcome.errorCode(), "The AWS credentials "
            + "in use are not allowed to call MeterUsage for product " + productCode + ": grant the IAM "
            + "permission " + iamAction() + " to the instance role, ECS task role, IRSA role or "
            + "AgentCore execution role. AWS said: " + outcome.message());
      }
      return outcome;
    }
  }
}
