package io.hourmeter.spi;

import java.time.Duration;

/**
 * Sends frozen reports to AWS MeterUsage and classifies what came back.
 *
 * <p>The drainer owns retries, using the low-level permission protocol: it calls
 * {@link #tryAcquirePermission()} before each send and backs off while permission is refused (circuit
 * open, rate limit reached), then calls {@link #submit}. A submitter must not retry on its own: one
 * layer owns retries, and it is the drainer.
 *
 * <p>Thread-safety: implementations must be safe for use by one drainer thread while another thread
 * reads {@link #circuitState()}.
 */
public interface UsageSubmitter extends AutoCloseable {

  /**
   * Asks, without blocking, whether a send may start now. A granted permission must be followed by
   * exactly one {@link #submit} or {@link #releasePermission()}.
   */
  SendPermission tryAcquirePermission();

  /** Gives back a granted permission without sending. */
  default void releasePermission() { }

  /**
   * Sends one report, byte-identical on every call with the same report, and returns the classified
   * outcome. Blocks at most for the submitter's configured timeouts. Never throws: every failure is an
   * outcome.
   */
  SubmitOutcome submit(UsageReport report);

  /**
   * How long to wait before the next attempt after {@code consecutiveFailures} retryable failures
   * (1 or more): exponential, with jitter, capped.
   */
  Duration backoff(int consecutiveFailures);

  /** The circuit breaker's state, for status. */
  default CircuitState circuitState() {
    return CircuitState.DISABLED;
  }

  /**
   * Checks, with a DryRun call, whether this process may call MeterUsage for the product. ACCEPTED
   * means allowed; CONFIGURATION with a message naming {@code aws-marketplace:MeterUsage} means not.
   */
  default SubmitOutcome checkPermission(String productCode, String dimension) {
    return SubmitOutcome.accepted("dry-run-not-supported");
  }

  @Override
  default void close() { }
}
