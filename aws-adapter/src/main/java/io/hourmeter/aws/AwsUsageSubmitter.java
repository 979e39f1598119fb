package io.hourmeter.aws;

import io.github.resilience4j.core.IntervalFunction;
import io.hourmeter.spi.CircuitState;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SendPermission;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.spi.UsageSubmitter;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Sends frozen reports to AWS Marketplace MeterUsage with the AWS SDK for Java v2, and classifies what
 * comes back into the {@link OutcomeClass}es the drainer obeys.
 *
 * <ul>
 *   <li><b>Requests</b> come from the report alone: Timestamp, quantity, allocations (tags sorted by key)
 *       and, in AgentCore mode, the report's persisted ClientToken. In hourly mode no ClientToken is sent
 *       at all: the SDK would otherwise invent a random one on every call.</li>
 *   <li><b>Limits</b> of the service model are checked first; a report that breaks one is
 *       {@link OutcomeClass#INVALID_REPORT} without a network call.</li>
 *   <li><b>Retries</b> belong to the drainer: the SDK's are off ({@link AwsRetryStrategy#doNotRetry()}).
 *       The drainer asks {@link #tryAcquirePermission()} (circuit breaker, then rate limiter, never
 *       blocking), calls {@link #submit}, and waits {@link #backoff} after retryable failures.</li>
 *   <li><b>Circuit breaker</b> (Resilience4j) counts only retryable outcomes; its state is
 *       {@link #circuitState()}. <b>Rate limiter</b> defaults to 5 sends per second, half the 10 req/s
 *       quota that all of a buyer's instances share.</li>
 * </ul>
 *
 * <p>Thread-safety: one drainer thread calls {@link #tryAcquirePermission}, {@link #submit} and
 * {@link #releasePermission}; any thread may call {@link #circuitState} and {@link #backoff}. The SDK
 * client is thread-safe.
 */
public final class AwsUsageSubmitter implements UsageSubmitter {

  /** The record id of a successful DryRun permission check, which records nothing. */
  public static final String DRY_RUN_RECORD_ID = "dry-run";
  /** The IAM action MeterUsage needs. */
  public static final String METER_USAGE_PERMISSION = "aws-marketplace:MeterUsage";

  private static final Logger LOG = LoggerFactory.getLogger(AwsUsageSubmitter.class);

  private final MarketplaceMeteringClient client;
  private final List<SdkAutoCloseable> owned;
  private final SendGate gate;
  private final IntervalFunction backoff;
  private final long maxBackoffMillis;
  private final int cappedAttempts;
  private final SubmitterClock clock;

  AwsUsageSubmitter(MarketplaceMeteringClient client, List<SdkAutoCloseable> owned, SendGate gate,
      IntervalFunction backoff, Duration maxBackoff, int cappedAttempts, SubmitterClock clock) {
    this.client = client;
    this.owned = List.copyOf(owned);
    this.gate = gate;
    this.backoff = backoff;
    this.maxBackoffMillis = maxBackoff.toMillis();
    this.cappedAttempts = cappedAttempts;
    this.clock = clock;
  }

  /**
   * A submitter with every default: the default region and credential chains, the regional endpoint, the
   * default timeouts, circuit breaker, rate limit and backoff. See {@link AwsUsageSubmitterBuilder}.
   *
   * @throws IllegalStateException when no region can be resolved
   */
  public static AwsUsageSubmitter create() {
    return builder().build();
  }

  public static AwsUsageSubmitterBuilder builder() {
    return new AwsUsageSubmitterBuilder();
  }

  /**
   * The SDK client settings Hourmeter relies on, for users who build their own
   * {@link MarketplaceMeteringClient} and pass it to {@link AwsUsageSubmitterBuilder#client}: SDK retries
   * off, and no SDK-generated ClientToken in hourly mode. Add timeouts and anything else to the builder
   * returned.
   */
  public static ClientOverrideConfiguration.Builder clientOverrides() {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(AwsRetryStrategy.doNotRetry())
        .addExecutionInterceptor(new GeneratedClientTokenGuard());
  }

  @Override
  public SendPermission tryAcquirePermission() {
    return gate.tryAcquire();
  }

  @Override
  public void releasePermission() {
    gate.release();
  }

  @Override
  public SubmitOutcome submit(UsageReport report) {
    Optional<String> violation = ReportLimits.violation(report);
    if (violation.isPresent()) {
      gate.release();
      LOG.warn("Report {} breaks a MeterUsage limit and is not sent: {}", report.id(), violation.get());
      return SubmitOutcome.failed(OutcomeClass.INVALID_REPORT, "InvalidReport", violation.get());
    }
    Instant started = clock.instant();
    SubmitOutcome outcome = send(report);
    gate.record(outcome.outcome(), Duration.between(started, clock.instant()));
    if (outcome.outcome() == OutcomeClass.ACCEPTED) {
      LOG.debug("Report {} ({} {} at {}) accepted as {}", report.id(), report.dimension(),
          report.quantity(), report.timestamp(), outcome.meteringRecordId());
    } else {
      LOG.info("Report {} ({} {} at {}) not accepted: {} {} {}", report.id(), report.dimension(),
          report.quantity(), report.timestamp(), outcome.outcome(), outcome.errorCode(), outcome.message());
    }
    return outcome;
  }

  private SubmitOutcome send(UsageReport report) {
    try {
      MeterUsageResponse response = client.meterUsage(MeterUsageRequests.of(report));
      String recordId = response.meteringRecordId();
      if (recordId == null || recordId.isEmpty()) {
        return SubmitOutcome.failed(OutcomeClass.OUTCOME_UNKNOWN, "MissingMeteringRecordId",
            "MeterUsage answered without a MeteringRecordId");
      }
      return SubmitOutcome.accepted(recordId);
    } catch (RuntimeException e) {
      SubmitOutcome outcome = ErrorClassification.classify(e);
      if (outcome.outcome() == OutcomeClass.ACCEPTED) {
        // Only a DryRun may be answered DryRunOperation: a real send that gets it recorded nothing.
        return SubmitOutcome.failed(OutcomeClass.RETRYABLE, "DryRunOperation",
            "a real MeterUsage was answered as a DryRun; nothing was recorded");
      }
      return outcome;
    }
  }

  /**
   * Exponential backoff with jitter, never above the configured maximum (the jitter is applied before the
   * cap); {@code consecutiveFailures} below 1 counts as 1. Counts past the one that reaches the cap are
   * treated as that one: Resilience4j's interval function takes time linear in the count.
   */
  @Override
  public Duration backoff(int consecutiveFailures) {
    int attempt = Math.min(cappedAttempts, Math.max(1, consecutiveFailures));
    long millis = backoff.apply(attempt);
    return Duration.ofMillis(Math.min(maxBackoffMillis, millis));
  }

  /**
   * Runs on the meter's clock unless {@link AwsUsageSubmitterBuilder#clock} was set; see
   * {@link SubmitterClock}.
   *
   * @throws IllegalStateException naming {@code AwsUsageSubmitterBuilder.clock} when it was set to
   *                               another clock, or the submitter already took another meter's
   */
  @Override
  public void useMeterClock(InstantSource meterClock) {
    clock.useMeterClock(meterClock);
  }

  @Override
  public CircuitState circuitState() {
    return gate.state();
  }

  /**
   * Sends MeterUsage with {@code DryRun=true}. {@code DryRunOperation} means the credentials may call
   * MeterUsage: {@link OutcomeClass#ACCEPTED} with record id {@value #DRY_RUN_RECORD_ID}.
   * {@code UnauthorizedException} is {@link OutcomeClass#CONFIGURATION} with a message naming
   * {@value #METER_USAGE_PERMISSION}; other failures are classified as for {@link #submit}. Neither the
   * circuit breaker nor the rate limiter is involved. Never throws.
   */
  @Override
  public SubmitOutcome checkPermission(String productCode, String dimension) {
    try {
      client.meterUsage(MeterUsageRequests.dryRun(productCode, dimension, clock.instant()));
      return SubmitOutcome.accepted(DRY_RUN_RECORD_ID);
    } catch (RuntimeException e) {
      SubmitOutcome outcome = ErrorClassification.classify(e);
      if ("UnauthorizedException".equals(outcome.errorCode())) {
        return SubmitOutcome.failed(OutcomeClass.CONFIGURATION, outcome.errorCode(), "The AWS credentials "
            + "in use are not allowed to call MeterUsage for product " + productCode + ": grant the IAM "
            + "permission " + METER_USAGE_PERMISSION + " to the instance role, ECS task role, IRSA role or "
            + "AgentCore execution role. AWS said: " + outcome.message());
      }
      return outcome;
    }
  }

  /**
   * Closes the SDK client and the default credentials chain if this submitter built them; a client or
   * credentials provider passed in is left to its owner. Idempotent.
   */
  @Override
  public void close() {
    for (SdkAutoCloseable resource : owned) {
      try {
        resource.close();
      } catch (RuntimeException e) {
        LOG.warn("Closing {} failed", resource, e);
      }
    }
  }

  MarketplaceMeteringClient client() {
    return client;
  }

  SendGate gate() {
    return gate;
  }
}
