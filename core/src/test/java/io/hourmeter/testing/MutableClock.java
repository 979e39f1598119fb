package io.hourmeter.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A thread-safe clock that tests move by hand. */
public final class MutableClock implements InstantSource {
  private final AtomicLong millis;

  public MutableClock(Instant start) {
    this.millis = new AtomicLong(start.toEpochMilli());
  }

  /** A clock at the start of the given epoch hour. */
  public static MutableClock atHour(long epochHour) {
    return new MutableClock(Instant.ofEpochMilli(epochHour * 3_600_000L));
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public long millis() {
    return millis.get();
  }

  public MutableClock advance(Duration by) {
    millis.addAndGet(by.toMillis());
    return this;
  }

  public MutableClock set(Instant to) {
    millis.set(to.toEpochMilli());
    return this;
  }

  /** The current epoch hour. */
  public long epochHour() {
    return Math.floorDiv(millis.get(), 3_600_000L);
  }
}
