package io.hourmeter.micrometer;

import io.hourmeter.MeterStatus;
import io.micrometer.core.instrument.Clock;
import java.util.function.Supplier;

/**
 * The status snapshot every gauge of one binder reads: taken from {@code Meter.status()} at most once per
 * {@code maxAgeNanos}, so that a scrape of twenty gauges costs one snapshot, not twenty. Nothing here
 * touches the recording path: {@code status()} copies what the drainer last published.
 *
 * <p>Thread-safe: a scrape on any thread reads or replaces one volatile holder; two scrapes racing may
 * both take a snapshot, which is harmless.
 */
final class StatusSnapshots {

  private record Taken(MeterStatus status, long atNanos) { }

  private final Supplier<MeterStatus> source;
  private final Clock clock;
  private final long maxAgeNanos;
  private volatile Taken last;

  StatusSnapshots(Supplier<MeterStatus> source, Clock clock, long maxAgeNanos) {
    this.source = source;
    this.clock = clock;
    this.maxAgeNanos = maxAgeNanos;
  }

  /** The latest snapshot, taking a new one when the last is older than the maximum age. */
  MeterStatus current() {
    long now = clock.monotonicTime();
    Taken taken = last;
    if (taken == null || now - taken.atNanos() >= maxAgeNanos) {
      taken = new Taken(source.get(), now);
      last = taken;
    }
    return taken.status();
  }
}
