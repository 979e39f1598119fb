package io.hourmeter.aws;

import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * What differs between the two Metering operations an {@link AwsUsageSubmitter} can send with
 * (MeterUsage, one report per call, and BatchMeterUsage, up to 25): how many reports one call carries,
 * which limits a report must keep before it may be sent, how the call is made and how its reply becomes
 * one outcome per report, and how permission is checked. Everything else (the client, the circuit
 * breaker and rate limiter, backoff, the clock, the classification of thrown errors and the logging)
 * is the submitter's, the same for both.
 *
 * <p>Implementations are stateless and thread-safe.
 */
interface MeteringOperation {

  /** The IAM action the operation needs, named in messages about permissions. */
  String iamAction();

  /** See {@link io.hourmeter.spi.UsageSubmitter#maxReportsPerCall()}. */
  int maxReportsPerCall();

  /** See {@link io.hourmeter.spi.UsageSubmitter#callSize(List)}. */
  int callSize(List<UsageReport> candidates);

  /**
   * The first limit {@code report} breaks, described for an operator: such a report can never be
   * accepted as it is, and is refused without a network call. Empty when it breaks none.
   */
  Optional<String> violation(UsageReport report);

  /**
   * Makes one call carrying {@code reports} (each without a {@linkplain #violation violation}, together
   * a call {@link #callSize} allows) and turns the reply into one outcome per report, in order. An
   * error answer to the whole call, or a failure before any answer, is thrown as the SDK threw it; the
   * submitter classifies it.
   */
  List<SubmitOutcome> call(MarketplaceMeteringClient client, List<UsageReport> reports);

  /** See {@link io.hourmeter.spi.UsageSubmitter#checkPermission}. Never throws. */
  SubmitOutcome checkPermission(MarketplaceMeteringClient client, String productCode, String dimension);
}
