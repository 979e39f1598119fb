package io.hourmeter.spi;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

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
   * The most reports one call may carry: 1 for MeterUsage (the default), 25 for BatchMeterUsage. The
   * drainer offers {@link #callSize} at most this many due reports.
   */
  default int maxReportsPerCall() {
    return 1;
  }

  /**
   * How many of {@code candidates} (due reports of one product, oldest first, at most
   * {@link #maxReportsPerCall()}) the next call carries, counted from the front: at least 1. A
   * submitter with limits the drainer does not know (a request size, records it could not tell apart
   * in the reply) keeps to them here. The default is 1.
   */
  default int callSize(List<UsageReport> candidates) {
    return 1;
  }

  /**
   * Sends one call's reports and returns one outcome per report, in the same order; byte-identical
   * records on every call with the same reports, whichever other reports share the call. Blocks at
   * most for the submitter's timeouts. Never throws. An error answer to the whole call gives every
   * report that outcome {@linkplain SubmitOutcome#forWholeCall() for the whole call}. The default sends
   * the one report of a one-report call with {@link #submit}.
   *
   * @param reports at least one, at most {@link #callSize} of them
   */
  default List<SubmitOutcome> submitAll(List<UsageReport> reports) {
    if (reports.size() != 1) {
      throw new IllegalArgumentException("this submitter sends one report per call, not " + reports.size());
    }
    return List.of(submit(reports.get(0)));
  }

  /**
   * How long to wait before the next attempt after {@code consecutiveFailures} retryable failures
   * (1 or more): exponential, with jitter, capped.
   */
  Duration backoff(int consecutiveFailures);

  /**
   * Hands the submitter the meter's clock. {@link io.hourmeter.MeterBuilder#build()} calls this once,
   * before it opens the journal or starts the drainer, with the clock given to
   * {@link io.hourmeter.MeterBuilder#clock} (the system clock when none was). The drainer decides hours,
   * deadlines and backoff waits on that clock, and adds a refused permission's
   * {@link SendPermission#retryAfter()} to it: a submitter that reads time of its own (a circuit
   * breaker's open wait, for instance) must read the same one, or a meter on a test or accelerated clock
   * waits for the breaker in real time.
   *
   * <p>A submitter that was not configured with a clock of its own must use this one from now on. One
   * that was configured with a different clock must throw {@link IllegalStateException} naming its
   * option; {@code build()} then fails with a {@link io.hourmeter.HourmeterException} naming both. The
   * default does nothing: a submitter that reads no time needs no clock.
   *
   * @param meterClock the meter's clock
   * @throws IllegalStateException if the submitter was configured with another clock
   */
  default void useMeterClock(InstantSource meterClock) { }

  /**
   * Hands the submitter the id of the meter's journal ({@link UsageJournal#journalId()}), once, when the
   * meter has opened its journal and before the drainer starts. A submitter whose records must name the
   * journal they came from (the fleet's partial submitter deduplicates by it) keeps it; the default does
   * nothing.
   *
   * @param journalId the per-journal random id, the same after every restart on the directory
   * @throws IllegalStateException if the submitter already serves another journal
   */
  default void useJournalId(String journalId) { }

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
