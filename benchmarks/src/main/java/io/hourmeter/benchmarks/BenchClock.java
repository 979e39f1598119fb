package io.hourmeter.benchmarks;

import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;

/** Clocks that keep every record of a benchmark in one open hour. */
final class BenchClock {

  private BenchClock() { }

  /**
   * A clock stopped at half past the current hour: the hour never closes, so the drainer never freezes
   * it and a restart finds every record unfrozen.
   */
  static InstantSource stoppedInOpenHour() {
    return InstantSource.fixed(Instant.now().truncatedTo(ChronoUnit.HOURS).plus(30, ChronoUnit.MINUTES));
  }

  /**
   * Milliseconds to add to the system clock so that it reads half past the current hour now: a running
   * clock (see {@link #offset}) with 30 minutes before its hour closes, for a drainer whose cadence and
   * checkpoints of sums go by the meter's clock, which a stopped clock would hold still.
   */
  static long offsetToHalfPast() {
    Instant now = Instant.now();
    return now.truncatedTo(ChronoUnit.HOURS).plus(30, ChronoUnit.MINUTES).toEpochMilli() - now.toEpochMilli();
  }

  /** The system clock moved by {@code offsetMillis}: the same in every JVM given the same offset. */
  static InstantSource offset(long offsetMillis) {
    return () -> Instant.ofEpochMilli(System.currentTimeMillis() + offsetMillis);
  }
}
