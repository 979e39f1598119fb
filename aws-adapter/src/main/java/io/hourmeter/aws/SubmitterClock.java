package io.hourmeter.aws;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * The time an {@link AwsUsageSubmitter} reads (the circuit breaker's open wait, send durations, DryRun
 * timestamps): the clock given to {@link AwsUsageSubmitterBuilder#clock}, or else the meter's, handed
 * over by {@code MeterBuilder.build()} through
 * {@link io.hourmeter.spi.UsageSubmitter#useMeterClock}. Until a meter hands one over, a submitter
 * without a clock of its own reads the system clock.
 *
 * <p>Why a clock that can be handed over after the submitter is built: the submitter is built before the
 * meter it is passed to, and the breaker must read the drainer's time, or a meter on a test or accelerated
 * clock waits for the breaker in real time while its hours and backoff move on another.
 *
 * <p>Thread-safe: the source is volatile, and handing one over is synchronized.
 */
final class SubmitterClock implements InstantSource {

  private final boolean given;
  private volatile InstantSource source;
  private boolean handed;

  private SubmitterClock(InstantSource source, boolean given) {
    this.source = Objects.requireNonNull(source, "clock");
    this.given = given;
  }

  /** The clock given to the submitter's builder: kept, and a meter's other clock is refused. */
  static SubmitterClock given(InstantSource source) {
    return new SubmitterClock(source, true);
  }

  /** No clock given: the system clock until a meter hands over its own. */
  static SubmitterClock fromMeter() {
    return new SubmitterClock(InstantSource.system(), false);
  }

  /**
   * Takes the meter's clock, unless this one was given its own or already took another meter's.
   *
   * @throws IllegalStateException naming {@code AwsUsageSubmitterBuilder.clock} when the clocks differ
   */
  synchronized void useMeterClock(InstantSource meterClock) {
    Objects.requireNonNull(meterClock, "meterClock");
    if (meterClock.equals(source)) {
      return;
    }
    if (given) {
      throw new IllegalStateException("AwsUsageSubmitterBuilder.clock was set to " + source
          + ", which is not the meter's clock " + meterClock);
    }
    if (handed) {
      throw new IllegalStateException("the submitter already runs on another meter's clock " + source
          + " (AwsUsageSubmitterBuilder.clock not set), not on " + meterClock);
    }
    source = meterClock;
    handed = true;
  }

  @Override
  public Instant instant() {
    return source.instant();
  }

  @Override
  public long millis() {
    return source.millis();
  }

  @Override
  public String toString() {
    return "SubmitterClock[" + source + (given ? ", given" : handed ? ", the meter's" : ", system") + "]";
  }
}
