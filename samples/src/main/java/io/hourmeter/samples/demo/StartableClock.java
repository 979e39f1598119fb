package io.hourmeter.samples.demo;

import io.hourmeter.local.AcceleratedClock;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * The demo's simulated clock, held just before its origin until {@link #start} fixes the real instant
 * at which the origin is reached; from then on it is an {@link AcceleratedClock} that every process of
 * the demo agrees on. This way the first simulated hour begins only once the metering process is ready,
 * however slowly its JVM starts. Time never goes back: before the start it reads one millisecond before
 * the origin.
 *
 * <p>Thread-safety: {@link #start} may be called once, from any thread; reads are lock-free.
 */
final class StartableClock implements InstantSource {
  private final Instant origin;
  private final double speedUp;
  private volatile AcceleratedClock running;

  StartableClock(Instant origin, double speedUp) {
    this.origin = Objects.requireNonNull(origin, "origin");
    this.speedUp = speedUp;
  }

  /** Starts the clock: it reads {@code origin} when the system clock reads {@code realOrigin}. */
  synchronized void start(Instant realOrigin) {
    if (running != null) {
      throw new IllegalStateException("the demo clock was already started");
    }
    running = AcceleratedClock.of(InstantSource.system(), origin, realOrigin, speedUp);
  }

  boolean started() {
    return running != null;
  }

  @Override
  public long millis() {
    AcceleratedClock clock = running;
    return clock == null ? origin.toEpochMilli() - 1 : Math.max(origin.toEpochMilli() - 1, clock.millis());
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }
}
