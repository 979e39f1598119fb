package io.hourmeter.local;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * A clock that runs faster than its base clock, for demos and soak tests: with {@code speedUp} 360, an
 * hour passes in ten seconds. Simulated time is {@code simulatedStart + (base - baseStart) * speedUp},
 * so several processes (or a process restarted after a crash) that share {@code simulatedStart} and
 * {@code baseStart} agree on the time. Thread-safe and allocation-free in {@link #millis()}.
 */
public final class AcceleratedClock implements InstantSource {
  private final InstantSource base;
  private final long simulatedStartMillis;
  private final long baseStartMillis;
  private final double speedUp;

  private AcceleratedClock(InstantSource base, long simulatedStartMillis, long baseStartMillis, double speedUp) {
    this.base = base;
    this.simulatedStartMillis = simulatedStartMillis;
    this.baseStartMillis = baseStartMillis;
    this.speedUp = speedUp;
  }

  /**
   * A clock at {@code simulatedStart} when {@code base} reads {@code baseStart}, moving {@code speedUp}
   * times as fast as {@code base}.
   */
  public static AcceleratedClock of(InstantSource base, Instant simulatedStart, Instant baseStart, double speedUp) {
    Objects.requireNonNull(base, "base");
    if (!(speedUp > 0) || Double.isInfinite(speedUp)) {
      throw new IllegalArgumentException("speedUp must be a positive finite number but was " + speedUp);
    }
    return new AcceleratedClock(base, simulatedStart.toEpochMilli(), baseStart.toEpochMilli(), speedUp);
  }

  /** A clock at {@code simulatedStart} now, on which {@code simulatedHour} passes in {@code realTime}. */
  public static AcceleratedClock startingNow(Instant simulatedStart, Duration simulatedHour, Duration realTime) {
    InstantSource system = InstantSource.system();
    double speedUp = (double) simulatedHour.toMillis() / realTime.toMillis();
    return of(system, simulatedStart, system.instant(), speedUp);
  }

  /** How many times faster than the base clock this one runs. */
  public double speedUp() {
    return speedUp;
  }

  /** The base clock's reading at {@link #simulatedStart()}; share it to agree across processes. */
  public Instant baseStart() {
    return Instant.ofEpochMilli(baseStartMillis);
  }

  /** The simulated time at {@link #baseStart()}. */
  public Instant simulatedStart() {
    return Instant.ofEpochMilli(simulatedStartMillis);
  }

  /** How much real (base) time passes while {@code simulated} passes on this clock. */
  public Duration realTimeFor(Duration simulated) {
    return Duration.ofMillis(Math.max(1, Math.round(simulated.toMillis() / speedUp)));
  }

  @Override
  public long millis() {
    return simulatedStartMillis + Math.round((base.millis() - baseStartMillis) * speedUp);
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public String toString() {
    return "AcceleratedClock[x" + speedUp + ", at " + instant() + "]";
  }
}
