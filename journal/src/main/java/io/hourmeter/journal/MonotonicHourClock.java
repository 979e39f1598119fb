package io.hourmeter.journal;

import java.time.InstantSource;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.core.values.LongValue;

/**
 * Chronicle's time provider, driven by the injected clock but never earlier than the start of the
 * newest cycle that exists in the directory, so that the hour an append lands in never goes back.
 *
 * <p>Chronicle 2026.4 on its own follows a clock that goes back: its appender rolls back to (and
 * creates) the earlier cycle. The newest cycle is read from the queue's shared metadata file
 * ({@code listing.highestCycle}, which every appender of every process raises, under the queue's write
 * lock, when it rolls), so the floor holds across processes too: Chronicle reads the time under its
 * write lock, and there the value is the newest cycle any process has created.
 *
 * <p>It costs one clock read and one volatile read of mapped memory per call. Thread-safety: safe for
 * any number of threads; {@link #attach} and {@link #detach} are called by the journal while no append
 * or read is in flight.
 */
final class MonotonicHourClock implements TimeProvider {
  static final long HOUR_MILLIS = 3_600_000L;
  private static final long MAX_CYCLE = Long.MAX_VALUE / HOUR_MILLIS;

  private final InstantSource clock;
  private volatile LongValue highestCycle;

  MonotonicHourClock(InstantSource clock) {
    this.clock = clock;
  }

  void attach(LongValue highestCycle) {
    this.highestCycle = highestCycle;
  }

  /** Stops reading the metadata file and releases its slot, before the queue closes. */
  void detach() {
    LongValue highest = highestCycle;
    highestCycle = null;
    if (highest != null) {
      net.openhft.chronicle.core.io.Closeable.closeQuietly(highest);
    }
  }

  @Override
  public long currentTimeMillis() {
    long now = clock.millis();
    long floor = floorMillis();
    return now < floor ? floor : now;
  }

  /** The hour an append would go to now: the clock's hour, or the newest cycle if that is later. */
  long currentHour() {
    return Math.floorDiv(currentTimeMillis(), HOUR_MILLIS);
  }

  /** The newest cycle in the directory, or -1 when there is none (or none is known yet). */
  long highestCycle() {
    LongValue highest = highestCycle;
    if (highest == null) {
      return -1;
    }
    long cycle = highest.getVolatileValue();
    return cycle >= 0 && cycle <= MAX_CYCLE ? cycle : -1;
  }

  private long floorMillis() {
    long cycle = highestCycle();
    return cycle < 0 ? Long.MIN_VALUE : cycle * HOUR_MILLIS;
  }
}
