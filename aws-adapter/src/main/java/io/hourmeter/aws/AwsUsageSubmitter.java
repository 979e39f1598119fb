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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Sends frozen reports to AWS Marketplace Metering with the AWS SDK for Java v2, and classifies what
 * comes back into the {@link OutcomeClass}es the drainer obeys. One submitter speaks one operation,
 * chosen on the builder:
 *
 * <ul>
 *   <li><b>MeterUsage</b> (the default; hourly and AgentCore modes): one report per call. The request
 *       comes from the report alone: Timestamp, quantity, allocations (tags sorted by key) and, in
 *       AgentCore mode, the report's persisted ClientToken. In hourly mode no ClientToken is sent at
 *       all: the SDK would otherwise invent a random one on every call.</li>
 *   <li><b>BatchMeterUsage</b> ({@link AwsUsageSubmitterBuilder#batchMeterUsage()}; SaaS mode): up to 25
 *       reports of one product per call, in a request under 1 MB; {@link #callSize} cuts the call,
 *       {@link #submitAll} returns each report's own outcome from its record's result, matched by
 *       buyer, dimension and time. Two records that differ only in LicenseArn never share a call.</li>
 * </ul>
 *
 * <p>What both share, and so is written once:
 * <ul>
 *   <li><b>Limits</b> of the service model are checked first; a report that breaks one is
 *       {@link OutcomeClass#INVALID_REPORT} without a network call (in a BatchMeterUsage call, the other
 *       reports are sent without it).</li>
 *   <li><b>Errors</b> are classified by one table ({@code ErrorClassification}); an error answer to a
 *       call of several reports is given to each of them {@linkplain SubmitOutcome#forWholeCall() as an
 *       answer to the whole call}, so the drainer can isolate the record it is about.</li>
 *   <li><b>Retries</b> belong to the drainer: the SDK's are off ({@link AwsRetryStrategy#doNotRetry()}).
 *       The drainer asks {@link #tryAcquirePermission()} (circuit breaker, then rate limiter, never
 *       blocking) once per call, calls {@link #submitAll} (or {@link #submit}), and waits
 *       {@link #backoff} after retryable failures.</li>
 *   <li><b>Circuit breaker</b> (Resilience4j) counts only calls whose every report came back
 *       retryable; its state is {@link #circuitState()}. <b>Rate limiter</b>: 5 calls per second for
 *       MeterUsage, half the 10 req/s quota that all of a buyer's instances share; 9 for
 *       BatchMeterUsage, just under the seller's 10 calls per second per product.</li>
 * </ul>
 *
 * <p>Thread-safety: one drainer thread calls {@link #tryAcquirePermission}, {@link #submit},
 * {@link #submitAll} and {@link #releasePermission}; any thread may call {@link #circuitState},
 * {@link #callSize} and {@link #backoff}. The SDK client is thread-safe.
 */
public final class AwsUsageSubmitter implements UsageSubmitter {

  /** The record id of a successful DryRun permission check, which records nothing. */
  public static final String DRY_RUN_RECORD_ID = "dry-run";
  /** The IAM action MeterUsage needs. */
  public static final String METER_USAGE_PERMISSION = "aws-marketplace:MeterUsage";
  /** The IAM action BatchMeterUsage needs (the seller account's role). */
  public static final String BATCH_METER_USAGE_PERMISSION = "aws-marketplace:BatchMeterUsage";

  private static final Logger LOG = LoggerFactory.getLogger(AwsUsageSubmitter.class);

  private final MarketplaceMeteringClient client;
  private final List<SdkAutoCloseable> owned;
  private final SendGate gate;
  private final IntervalFunction backoff;
  private final long maxBackoffMillis;
  private final int cappedAttempts;
  private final SubmitterClock clock;
  private final MeteringOperation operation;

  AwsUsageSubmitter(MarketplaceMeteringClient client, List<SdkAutoCloseable> owned, SendGate gate,
      IntervalFunction backoff, Duration maxBackoff, int cappedAttempts, SubmitterClock clock,
      MeteringOperation operation) {
    this.client = client;
    this.owned = List.copyOf(owned);
    this.gate = gate;
    this.backoff = backoff;
    this.maxBackoffMillis = maxBackoff.toMillis();
    this.cappedAttempts = cappedAttempts;
    this.clock = clock;
    this.operation = operation;
  }

  /**
   * A MeterUsage submitter with every default: the default region and credential chains, the regional
   * endpoint, the default timeouts, circuit breaker, rate limit and backoff. See
   * {@link AwsUsageSubmitterBuilder}.
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
   * off, no SDK-generated ClientToken in hourly mode, and the interceptor that carries each
   * BatchMeterUsage record's LicenseArn (which the SDK served here lacks). Add timeouts and anything
   * else to the builder returned.
   */
  public static ClientOverrideConfiguration.Builder clientOverrides() {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(AwsRetryStrategy.doNotRetry())
        .addExecutionInterceptor(new GeneratedClientTokenGuard())
        .addExecutionInterceptor(new LicenseArnShim());
  }

  @Override
  public SendPermission tryAcquirePermission() {
    return gate.tryAcquire();
  }

  @Override
  public void releasePermission() {
    gate.release();
  }

  /** 1 for MeterUsage, 25 for BatchMeterUsage. */
  @Override
  public int maxReportsPerCall() {
    return operation.maxReportsPerCall();
  }

  /**
   * MeterUsage: 1. BatchMeterUsage: the longest front of {@code candidates} that is of the first one's
   * product, holds at most 25 reports with distinct buyer, dimension and minute (so no two differ only
   * in LicenseArn), and makes a request under 1 MB. At least 1.
   */
  @Override
  public int callSize(List<UsageReport> candidates) {
    return operation.callSize(candidates);
  }

  /** Sends one report in a call of its own; see {@link #submitAll}. */
  @Override
  public SubmitOutcome submit(UsageReport report) {
    return submitAll(List.of(report)).get(0);
  }

  /**
   * Sends {@code reports} in one call and returns one outcome per report, in order. A report that
   * breaks a limit of the model is INVALID_REPORT and left out of the call (no call at all when none is
   * left, and the permission is given back). An error answer, or a failure before one, is classified
   * once and given to every report sent; {@linkplain SubmitOutcome#forWholeCall() for the whole call}
   * when the call carried more than one. Never retries.
   *
   * @throws IllegalArgumentException when {@code reports} is empty or not a call {@link #callSize} would
   *                                  make (too many, several products, two records of one identity)
   */
  @Override
  public List<SubmitOutcome> submitAll(List<UsageReport> reports) {
    if (reports.isEmpty() || reports.size() > operation.maxReportsPerCall()
        || operation.callSize(reports) != reports.size()) {
      throw new IllegalArgumentException("not a call this submitter makes: " + reports.size() + " reports, "
          + "of which callSize allows " + (reports.isEmpty() ? 0 : operation.callSize(reports)));
    }
    SubmitOutcome[] outcomes = new SubmitOutcome[reports.size()];
    List<UsageReport> sent = new ArrayList<>(reports.size());
    for (int i = 0; i < reports.size(); i++) {
      UsageReport report = reports.get(i);
      Optional<String> violation = operation.violation(report);
      if (violation.isPresent()) {
        LOG.warn("Report {} breaks a limit of the service model and is not sent: {}", report.id(),
            violation.get());
        outcomes[i] = SubmitOutcome.failed(OutcomeClass.INVALID_REPORT, "InvalidReport", violation.get());
      } else {
        sent.add(report);
      }
    }
    if (sent.isEmpty()) {
      gate.release();
      return List.of(outcomes);
    }
    Instant started = clock.instant();
    List<SubmitOutcome> answers = send(sent);
    gate.record(callClass(answers), Duration.between(started, clock.instant()));
    int next = 0;
    for (int i = 0; i < outcomes.length; i++) {
      if (outcomes[i] == null) {
        outcomes[i] = answers.get(next++);
        log(reports.get(i), outcomes[i]);
      }
    }
    return List.of(outcomes);
  }

  private List<SubmitOutcome> send(List<UsageReport> reports) {
    try {
      return operation.call(client, reports);
    } catch (RuntimeException e) {
      SubmitOutcome outcome = ErrorClassification.classify(e, operation.iamAction());
      if (outcome.outcome() == OutcomeClass.ACCEPTED) {
        // Only a DryRun may be answered DryRunOperation: a real send that gets it recorded nothing.
        outcome = SubmitOutcome.failed(OutcomeClass.RETRYABLE, "DryRunOperation",
            "a real send was answered as a DryRun; nothing was recorded");
      }
      return Collections.nCopies(reports.size(), reports.size() > 1 ? outcome.forWholeCall() : outcome);
    }
  }

  /** What the circuit breaker counts for a call: a failure only when every report came back retryable. */
  private static OutcomeClass callClass(List<SubmitOutcome> answers) {
    for (SubmitOutcome answer : answers) {
      if (!answer.outcome().retryable()) {
        return OutcomeClass.ACCEPTED;
      }
    }
    return answers.get(0).outcome();
  }

  private static void log(UsageReport report, SubmitOutcome outcome) {
    String buyer = report.buyer() == null ? "" : report.buyer().key() + " ";
    if (outcome.outcome() == OutcomeClass.ACCEPTED) {
      LOG.debug("Report {} ({}{} {} at {}) accepted as {}", report.id(), buyer, report.dimension(),
          report.quantity(), report.timestamp(), outcome.meteringRecordId());
    } else {
      LOG.info("Report {} ({}{} {} at {}) not accepted: {} {} {}", report.id(), buyer, report.dimension(),
          report.quantity(), report.timestamp(), outcome.outcome(), outcome.errorCode(), outcome.message());
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
   * MeterUsage: a DryRun call. {@code DryRunOperation} means the credentials may call MeterUsage:
   * {@link OutcomeClass#ACCEPTED} with record id {@value #DRY_RUN_RECORD_ID}. {@code UnauthorizedException}
   * is {@link OutcomeClass#CONFIGURATION} with a message naming {@value #METER_USAGE_PERMISSION}; other
   * failures are classified as for {@link #submit}.
   *
   * <p>BatchMeterUsage has no DryRun (and no other call checks the permission without metering), so in
   * that mode this checks nothing and answers ACCEPTED with record id {@code dry-run-not-supported}, as
   * a submitter without a check does; the first call shows a missing
   * {@value #BATCH_METER_USAGE_PERMISSION} as CONFIGURATION.
   *
   * <p>Neither the circuit breaker nor the rate limiter is involved. Never throws.
   */
  @Override
  public SubmitOutcome checkPermission(String productCode, String dimension) {
    return operation.checkPermission(client, productCode, dimension);
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
