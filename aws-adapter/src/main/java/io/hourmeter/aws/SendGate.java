package io.hourmeter.aws;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.hourmeter.spi.CircuitState;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SendPermission;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Resilience4j's circuit breaker and rate limiter, driven through their low-level protocol
 * ({@code tryAcquirePermission} / {@code onSuccess} / {@code onError} / {@code releasePermission}) so the
 * drainer's loop needs no decorated lambdas.
 *
 * <p>Only retryable outcomes (throttling, 5xx, timeouts, connection errors) count as failures: a
 * DuplicateRequest or an invalid dimension is AWS answering normally, so it is recorded as a success and
 * never opens the circuit. The breaker reads time from the injected clock; it moves from OPEN to
 * HALF_OPEN when asked for permission after the wait, never on a timer thread.
 *
 * <p>Thread-safe: Resilience4j's state machine and limiter are; the open instant is an atomic.
 */
final class SendGate {

  /** Marks a retryable outcome to the circuit breaker; carries no stack trace. */
  static final class RetryableFailure extends RuntimeException {
    RetryableFailure(OutcomeClass outcome) {
      super(outcome.name(), null, false, false);
    }
  }

  private final CircuitBreaker breaker;
  private final RateLimiter limiter;
  private final InstantSource clock;
  private final Duration waitInOpenState;
  private final AtomicReference<Instant> openedAt = new AtomicReference<>(Instant.MIN);

  SendGate(String name, CircuitSettings circuit, RateSettings rate, InstantSource clock) {
    this.clock = clock;
    this.waitInOpenState = circuit.waitInOpenState();
    this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(circuit.slidingWindowSize())
        .minimumNumberOfCalls(circuit.minimumNumberOfCalls())
        .failureRateThreshold(circuit.failureRateThreshold())
        .waitDurationInOpenState(circuit.waitInOpenState())
        .permittedNumberOfCallsInHalfOpenState(circuit.permittedCallsInHalfOpenState())
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .recordException(failure -> failure instanceof RetryableFailure)
        .writableStackTraceEnabled(false)
        .clock(clock.withZone(ZoneOffset.UTC))
        .build());
    this.breaker.getEventPublisher().onStateTransition(event -> {
      if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
        openedAt.set(clock.instant());
      }
    });
    this.limiter = RateLimiter.of(name, RateLimiterConfig.custom()
        .limitForPeriod(rate.permitsPerPeriod())
        .limitRefreshPeriod(rate.period())
        .timeoutDuration(Duration.ZERO)
        .build());
  }

  /** Asks the breaker, then the limiter, without blocking; a refused limiter gives the breaker's back. */
  SendPermission tryAcquire() {
    if (!breaker.tryAcquirePermission()) {
      return SendPermission.deny(untilHalfOpen(), "circuit breaker " + breaker.getState()
          + " after retryable failures");
    }
    if (!limiter.acquirePermission()) {
      breaker.releasePermission();
      return SendPermission.deny(untilNextPermit(), "rate limit of " + limiter.getRateLimiterConfig()
          .getLimitForPeriod() + " per " + limiter.getRateLimiterConfig().getLimitRefreshPeriod());
    }
    return SendPermission.allow();
  }

  /** Gives the breaker's permission back unused (the rate limiter's permit is spent). */
  void release() {
    breaker.releasePermission();
  }

  /** Records how a send that held a permission ended. */
  void record(OutcomeClass outcome, Duration took) {
    long nanos = Math.max(0, took.toNanos());
    if (outcome.retryable()) {
      breaker.onError(nanos, TimeUnit.NANOSECONDS, new RetryableFailure(outcome));
    } else {
      breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    }
  }

  CircuitState state() {
    return switch (breaker.getState()) {
      case CLOSED -> CircuitState.CLOSED;
      case OPEN, FORCED_OPEN -> CircuitState.OPEN;
      case HALF_OPEN -> CircuitState.HALF_OPEN;
      case DISABLED, METRICS_ONLY -> CircuitState.DISABLED;
    };
  }

  CircuitBreaker breaker() {
    return breaker;
  }

  RateLimiter limiter() {
    return limiter;
  }

  private Duration untilHalfOpen() {
    if (breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
      // Every trial call is out; one of them will decide soon.
      return Duration.ofMillis(Math.max(1, Math.min(1000, waitInOpenState.toMillis())));
    }
    Duration left = Duration.between(clock.instant(), openedAt.get().plus(waitInOpenState));
    return left.isNegative() ? Duration.ZERO : left;
  }

  private Duration untilNextPermit() {
    if (limiter instanceof AtomicRateLimiter atomic) {
      long nanos = atomic.getDetailedMetrics().getNanosToWait();
      if (nanos > 0) {
        return Duration.ofNanos(nanos);
      }
    }
    return limiter.getRateLimiterConfig().getLimitRefreshPeriod();
  }

  /** The circuit breaker's knobs. */
  record CircuitSettings(float failureRateThreshold, int slidingWindowSize, int minimumNumberOfCalls,
      Duration waitInOpenState, int permittedCallsInHalfOpenState) { }

  /** The rate limiter's knobs: at most {@code permitsPerPeriod} sends per {@code period}. */
  record RateSettings(int permitsPerPeriod, Duration period) { }
}
