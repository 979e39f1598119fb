package io.hourmeter.it.reliability;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A wall clock in trouble: a running base clock plus an offset that a test jumps backwards and forwards,
 * as NTP steps, a VM resume or an operator would. Thread-safe.
 */
final class JumpingClock implements InstantSource {
  private final InstantSource base;
  private final AtomicLong offsetMillis = new AtomicLong();

  JumpingClock(InstantSource base) {
    this.base = base;
  }

  /** Jumps by {@code by} (negative: backwards) and returns the new offset from the base clock. */
  Duration jump(Duration by) {
    return Duration.ofMillis(offsetMillis.addAndGet(by.toMillis()));
  }

  Duration offset() {
    return Duration.ofMillis(offsetMillis.get());
  }

  @Override
  public long millis() {
    return base.millis() + offsetMillis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }
}
