package io.hourmeter.aws;

import static io.hourmeter.aws.Reports.PRODUCT;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.spi.CircuitState;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SendPermission;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The circuit breaker, rate limiter and backoff, driven the way the drainer drives them (ask for
 * permission, then send), against the local endpoint. Time moves through the injected clock, which the
 * breaker reads, so nothing sleeps.
 */
class ResilienceTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final MutableClock clock = MutableClock.atHour(493_200).advance(Duration.ofMinutes(10));
  private final Instant lastHour = Instant.ofEpochSecond((clock.epochHour() - 1) * 3600);
  private LocalMeteringEndpoint endpoint;
  private AwsUsageSubmitter submitter;

  @BeforeEach
  void start() {
    endpoint = LocalMeteringEndpoint.builder().product(PRODUCT, "users", "requests").clock(clock).build().start();
    submitter = LocalAws.submitterFor(endpoint).clock(clock)
        .slidingWindowSize(4)
        .minimumNumberOfCalls(4)
        .failureRateThreshold(50)
        .waitDurationInOpenState(WAIT)
        .permittedCallsInHalfOpenState(2)
        .rateLimit(1000, Duration.ofSeconds(1))
        .build();
  }

  @AfterEach
  void stop() {
    submitter.close();
    endpoint.close();
  }

  /** One drainer step: ask, then send; null when permission was refused. */
  private SubmitOutcome attempt(UsageReport report) {
    return submitter.tryAcquirePermission().granted() ? submitter.submit(report) : null;
  }

  private void storm(int sends) {
    endpoint.faults().throttleRate(1.0);
    for (int i = 0; i < sends; i++) {
      assertThat(attempt(Reports.hourly("users", lastHour, 5)).outcome()).isEqualTo(OutcomeClass.RETRYABLE);
    }
  }

  @Test
  void aThrottlingStormOpensTheCircuitAndNothingMoreIsSentWhileItIsOpen() {
    storm(4);

    assertThat(submitter.circuitState()).isEqualTo(CircuitState.OPEN);
    SendPermission refused = submitter.tryAcquirePermission();
    assertThat(refused.granted()).isFalse();
    assertThat(refused.retryAfter()).isEqualTo(WAIT);
    assertThat(refused.reason()).contains("circuit breaker");
    for (int i = 0; i < 10; i++) {
      assertThat(attempt(Reports.hourly("users", lastHour, 5))).isNull();
    }
    assertThat(endpoint.counters().requests()).isEqualTo(4);
  }

  @Test
  void afterTheWaitSuccessfulTrialCallsCloseTheCircuitAgain() {
    storm(4);
    endpoint.faults().clear();

    clock.advance(WAIT.minusSeconds(1));
    SendPermission early = submitter.tryAcquirePermission();
    clock.advance(Duration.ofSeconds(2));
    SubmitOutcome firstTrial = attempt(Reports.hourly("users", lastHour, 5));
    CircuitState duringTrials = submitter.circuitState();
    SubmitOutcome secondTrial = attempt(Reports.hourly("requests", lastHour, 5));

    assertThat(early.granted()).isFalse();
    assertThat(early.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(firstTrial.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
    assertThat(duringTrials).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(secondTrial.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
    assertThat(submitter.circuitState()).isEqualTo(CircuitState.CLOSED);
    assertThat(endpoint.accepted()).hasSize(2);
  }

  @Test
  void failedTrialCallsOpenTheCircuitAgainForAnotherWait() {
    storm(4);
    clock.advance(WAIT.plusSeconds(1));

    storm(2);

    assertThat(submitter.circuitState()).isEqualTo(CircuitState.OPEN);
    assertThat(submitter.tryAcquirePermission().retryAfter()).isEqualTo(WAIT);
  }

  @Test
  void serverErrorsAndDroppedConnectionsCountAsFailuresToo() {
    endpoint.faults().serverErrorNext(2).dropNextBeforeRecord(2);
    for (int i = 0; i < 4; i++) {
      assertThat(attempt(Reports.hourly("users", lastHour, 5)).outcome().retryable()).isTrue();
    }

    assertThat(submitter.circuitState()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void answersThatAreNotRetryableNeverOpenTheCircuit() {
    attempt(Reports.hourly("users", lastHour, 5));
    for (int i = 0; i < 6; i++) {
      assertThat(attempt(Reports.hourly("users", lastHour, 6)).outcome()).isEqualTo(OutcomeClass.DUPLICATE_REQUEST);
      assertThat(attempt(Reports.hourly("gpus", lastHour, 6)).outcome()).isEqualTo(OutcomeClass.INVALID_DIMENSION);
      assertThat(attempt(Reports.hourly("users", lastHour.minus(Duration.ofHours(8)), 6)).outcome())
          .isEqualTo(OutcomeClass.TIMESTAMP_OUT_OF_BOUNDS);
    }

    assertThat(submitter.circuitState()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void aReportRefusedBeforeSendingGivesItsTrialPermissionBack() {
    storm(4);
    clock.advance(WAIT.plusSeconds(1));
    endpoint.faults().clear();
    UsageReport unsendable = Reports.withProduct("bad product!", "users", lastHour, 1);

    assertThat(attempt(unsendable).outcome()).isEqualTo(OutcomeClass.INVALID_REPORT);
    assertThat(submitter.tryAcquirePermission().granted()).isTrue();
    assertThat(submitter.tryAcquirePermission().granted()).isTrue();
    assertThat(submitter.tryAcquirePermission().granted()).isFalse();
  }

  @Test
  void releasePermissionGivesAnUnusedTrialPermissionBack() {
    storm(4);
    clock.advance(WAIT.plusSeconds(1));

    assertThat(submitter.tryAcquirePermission().granted()).isTrue();
    assertThat(submitter.tryAcquirePermission().granted()).isTrue();
    assertThat(submitter.tryAcquirePermission().granted()).isFalse();
    submitter.releasePermission();
    assertThat(submitter.tryAcquirePermission().granted()).isTrue();
  }

  @Test
  void theRateLimitHoldsUnderABurst() {
    try (AwsUsageSubmitter limited = LocalAws.submitterFor(endpoint).rateLimit(5, Duration.ofMinutes(10)).build()) {
      int granted = 0;
      SendPermission lastRefusal = null;
      for (int i = 0; i < 200; i++) {
        SendPermission permission = limited.tryAcquirePermission();
        if (permission.granted()) {
          granted++;
        } else {
          lastRefusal = permission;
        }
      }

      assertThat(granted).isEqualTo(5);
      assertThat(lastRefusal.reason()).contains("rate limit");
      assertThat(lastRefusal.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(10));
      assertThat(limited.circuitState()).isEqualTo(CircuitState.CLOSED);
    }
  }

  @Test
  void aRateLimitRefusalDoesNotKeepTheCircuitsTrialPermission() {
    try (AwsUsageSubmitter limited = LocalAws.submitterFor(endpoint).clock(clock)
        .slidingWindowSize(2).minimumNumberOfCalls(2).waitDurationInOpenState(WAIT)
        .permittedCallsInHalfOpenState(1).rateLimit(3, Duration.ofMinutes(10)).build()) {
      endpoint.faults().throttleRate(1.0);
      limited.tryAcquirePermission();
      limited.submit(Reports.hourly("users", lastHour, 5));
      limited.tryAcquirePermission();
      limited.submit(Reports.hourly("users", lastHour, 5));
      clock.advance(WAIT.plusSeconds(1));

      assertThat(limited.tryAcquirePermission().granted()).as("the third and last rate permit").isTrue();
      limited.releasePermission();
      assertThat(limited.tryAcquirePermission().reason()).contains("rate limit");
      assertThat(limited.gate().breaker().getMetrics().getNumberOfBufferedCalls()).isZero();
      assertThat(limited.circuitState()).isEqualTo(CircuitState.HALF_OPEN);
    }
  }

  @Test
  void theDefaultsStayWellUnderTheQuotaAndOpenOnlyOnManyFailures() {
    try (AwsUsageSubmitter defaults = LocalAws.submitterFor(endpoint).build()) {
      var rate = defaults.gate().limiter().getRateLimiterConfig();
      var circuit = defaults.gate().breaker().getCircuitBreakerConfig();

      assertThat(rate.getLimitForPeriod()).isEqualTo(5);
      assertThat(rate.getLimitRefreshPeriod()).isEqualTo(Duration.ofSeconds(1));
      assertThat(rate.getTimeoutDuration()).isZero();
      assertThat(circuit.getSlidingWindowSize()).isEqualTo(20);
      assertThat(circuit.getMinimumNumberOfCalls()).isEqualTo(10);
      assertThat(circuit.getFailureRateThreshold()).isEqualTo(50f);
      assertThat(circuit.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(30_000L);
      assertThat(circuit.isAutomaticTransitionFromOpenToHalfOpenEnabled()).isFalse();
    }
  }

  @Test
  void backoffGrowsExponentiallyWithJitterAndIsCapped() {
    try (AwsUsageSubmitter backingOff = LocalAws.submitterFor(endpoint)
        .backoff(Duration.ofSeconds(1), 2.0, 0.5, Duration.ofSeconds(60)).build()) {
      Set<Duration> firstDelays = new HashSet<>();
      for (int i = 0; i < 200; i++) {
        Duration first = backingOff.backoff(1);
        Duration third = backingOff.backoff(3);
        Duration tenth = backingOff.backoff(10);
        firstDelays.add(first);
        assertThat(first).isBetween(Duration.ofMillis(500), Duration.ofMillis(1500));
        assertThat(third).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(6));
        assertThat(tenth).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(60));
        assertThat(backingOff.backoff(Integer.MAX_VALUE)).isLessThanOrEqualTo(Duration.ofSeconds(60));
      }
      assertThat(firstDelays).as("jitter").hasSizeGreaterThan(10);
      assertThat(backingOff.backoff(0)).isLessThanOrEqualTo(Duration.ofMillis(1500));
    }
  }

  @Test
  void theDefaultBackoffStartsNearOneSecondAndStopsAtFiveMinutes() {
    List<Duration> delays = List.of(submitter.backoff(1), submitter.backoff(40));

    assertThat(delays.get(0)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1500));
    assertThat(delays.get(1)).isBetween(Duration.ofMinutes(2), Duration.ofMinutes(5));
  }
}
