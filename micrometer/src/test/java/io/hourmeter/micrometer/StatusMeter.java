package io.hourmeter.micrometer;

import io.hourmeter.Buyer;
import io.hourmeter.Customer;
import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeteringMode;
import io.hourmeter.spi.CircuitState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A meter whose status a test sets, counting how often it is asked; it records nothing. */
final class StatusMeter implements Meter {
  static final Instant NOW = Instant.parse("2026-11-23T12:10:00Z");

  private final List<String> dimensions;
  private volatile MeterStatus status;
  final AtomicInteger statusCalls = new AtomicInteger();

  StatusMeter(MeterStatus status, String... dimensions) {
    this.status = status;
    this.dimensions = List.of(dimensions);
  }

  void set(MeterStatus next) {
    status = next;
  }

  /** A healthy status at {@link #NOW} with the given pending units per hour, and the given totals. */
  static MeterStatus status(SortedMap<Instant, Map<String, Long>> pending, int failures,
      MeterStatus.Sending sending, CircuitState circuit, Set<String> quarantinedBuyers) {
    Instant oldest = pending.isEmpty() ? null : pending.firstKey();
    return new MeterStatus(NOW, MeteringMode.HOURLY, false, true, pending, oldest,
        oldest == null ? null : Duration.between(NOW, oldest.plus(Duration.ofHours(6))),
        NOW.minusSeconds(600), failures > 0 ? NOW : null, failures > 0 ? "ThrottlingException" : null, failures,
        sending, circuit, 41, 4_100, 7, 2, 20, Set.of("gone"), 3, false, 123_456, quarantinedBuyers, 5,
        Duration.ofMillis(750));
  }

  static SortedMap<Instant, Map<String, Long>> pending(Object... hourDimensionUnits) {
    TreeMap<Instant, Map<String, Long>> pending = new TreeMap<>();
    for (int i = 0; i < hourDimensionUnits.length; i += 3) {
      Instant hour = Instant.parse((String) hourDimensionUnits[i]);
      pending.computeIfAbsent(hour, h -> new TreeMap<>())
          .put((String) hourDimensionUnits[i + 1], ((Number) hourDimensionUnits[i + 2]).longValue());
    }
    return pending;
  }

  @Override
  public Dimension dimension(String name) {
    if (!dimensions.contains(name)) {
      throw new IllegalArgumentException("unknown dimension '" + name + "'; declared: " + dimensions);
    }
    return null;
  }

  @Override
  public boolean record(String dimension, long quantity) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Customer customer(Buyer buyer) {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean record(Buyer buyer, String dimension, long quantity) {
    throw new UnsupportedOperationException();
  }

  @Override
  public MeterStatus status() {
    statusCalls.incrementAndGet();
    return status;
  }

  @Override
  public void close() { }
}
