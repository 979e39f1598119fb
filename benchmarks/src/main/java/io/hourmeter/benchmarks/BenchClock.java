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
}
