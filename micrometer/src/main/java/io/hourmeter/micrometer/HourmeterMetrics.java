package io.hourmeter.micrometer;

import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeteringHealth;
import io.hourmeter.spi.CircuitState;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a {@link Meter}'s health as Micrometer meters, for dashboards and alerts (what to alert on,
 * and at which thresholds: docs/operations.md).
 *
 * <pre>{@code
 * HourmeterMetrics.builder(meter).dimensions("users", "requests").build().bindTo(registry);
 * }</pre>
 *
 * <p>Every value is read from a {@link MeterStatus} snapshot (one per scrape at most every
 * {@link Builder#snapshotMaxAge}), never from the recording path: binding adds no work to
 * {@code record()}. Names follow Micrometer's conventions: dot-separated, base units (seconds, bytes,
 * units; counts of reports have none), low-cardinality tags ({@code dimension}, {@code state}, {@code level}); a
 * {@code customer} tag only for the buyers named in {@link Builder#customerTags}, an opt-in because each
 * buyer is a time series.
 *
 * <table>
 *   <caption>The meters (Prometheus names in brackets)</caption>
 *   <tr><td>{@code hourmeter.usage.pending} (units), tag {@code dimension}</td><td>gauge: units journaled
 *       but not yet accepted, carried or dead-lettered, over all hours (drainer process only)</td></tr>
 *   <tr><td>{@code hourmeter.unsent.oldest.age} (seconds)</td><td>gauge: time since the start of the
 *       oldest hour with unsent usage; 0 when nothing is unsent</td></tr>
 *   <tr><td>{@code hourmeter.unsent.deadline.remaining} (seconds)</td><td>gauge: time before that hour
 *       leaves AWS's window; NaN when nothing is unsent</td></tr>
 *   <tr><td>{@code hourmeter.reports.accepted} (reports), {@code hourmeter.usage.accepted} (units),
 *       {@code hourmeter.usage.carried} (units)</td><td>function counters since the journal directory was
 *       created</td></tr>
 *   <tr><td>{@code hourmeter.usage.refused} (units)</td><td>function counter: units {@code record()}
 *       refused in this process (disk low, closed)</td></tr>
 *   <tr><td>{@code hourmeter.reports.dead.lettered}, {@code hourmeter.usage.dead.lettered}
 *       (units)</td><td>gauges: dead letters now (a re-queue lowers them)</td></tr>
 *   <tr><td>{@code hourmeter.send.failures.consecutive}</td><td>gauge: failed sends since the last
 *       success</td></tr>
 *   <tr><td>{@code hourmeter.send.last.success.age} (seconds)</td><td>gauge: time since AWS last accepted
 *       a report; NaN before the first</td></tr>
 *   <tr><td>{@code hourmeter.circuit.state}, tag {@code state}</td><td>gauge: 1 for the circuit breaker's
 *       state, 0 for the others</td></tr>
 *   <tr><td>{@code hourmeter.sending.state}, tag {@code state}</td><td>gauge: 1 for what the drainer is
 *       doing ({@link MeterStatus.Sending}), 0 for the rest</td></tr>
 *   <tr><td>{@code hourmeter.health}, tag {@code level}</td><td>gauge: 1 for the {@link MeteringHealth}
 *       level (ok, degraded, failing), 0 for the others</td></tr>
 *   <tr><td>{@code hourmeter.journal.size} (bytes)</td><td>gauge: the journal's bytes on disk</td></tr>
 *   <tr><td>{@code hourmeter.disk.low}</td><td>gauge: 1 while appends are refused for lack of disk</td></tr>
 *   <tr><td>{@code hourmeter.dimensions.quarantined}, {@code hourmeter.customers.quarantined},
 *       {@code hourmeter.customers.pending}</td><td>gauges: dimensions AWS rejected as unknown; SaaS buyers
 *       AWS would not bill; SaaS buyers with unsent usage</td></tr>
 *   <tr><td>{@code hourmeter.customer.quarantined}, tag {@code customer} (opt-in)</td><td>gauge: 1 while
 *       that buyer is quarantined</td></tr>
 * </table>
 *
 * <p>Gauges and counters hold the {@link Meter} weakly, as Micrometer's own binders hold what they
 * measure: they report NaN once the application has let go of its meter. Keep the meter, not this
 * binder.
 *
 * <p>Thread-safe: bind it to any number of registries, from any thread.
 */
public final class HourmeterMetrics implements MeterBinder {

  private final Meter meter;
  private final StatusSnapshots snapshots;
  private final List<String> dimensions;
  private final List<String> customerKeys;
  private final Tags tags;

  private HourmeterMetrics(Meter meter, Supplier<MeterStatus> status, Builder builder) {
    this.meter = meter;
    this.snapshots = new StatusSnapshots(status, builder.clock, builder.snapshotMaxAge.toNanos());
    this.dimensions = builder.dimensions;
    this.customerKeys = builder.customerKeys;
    this.tags = builder.tags;
  }

  /** A builder for the metrics of {@code meter}; {@link Builder#dimensions} is required. */
  public static Builder builder(Meter meter) {
    return new Builder(meter);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (String dimension : dimensions) {
      gauge(registry, "hourmeter.usage.pending", "units", "Units journaled but not yet accepted, carried or "
          + "dead-lettered", Tags.of("dimension", dimension), s -> pendingUnits(s, dimension));
    }
    timeGauge(registry, "hourmeter.unsent.oldest.age", "Time since the start of the oldest hour with unsent "
        + "usage (0 when none)", s -> s.oldestUnsentHour() == null ? 0
            : Duration.between(s.oldestUnsentHour(), s.at()).toMillis());
    timeGauge(registry, "hourmeter.unsent.deadline.remaining", "Time before the oldest unsent hour leaves "
        + "AWS's window", s -> s.timeLeftBeforeDeadline() == null ? Double.NaN
            : s.timeLeftBeforeDeadline().toMillis());
    timeGauge(registry, "hourmeter.drainer.lag", "How far behind the journal the status may be: time since "
        + "the drainer last caught up", s -> s.drainerLag() == null ? Double.NaN : s.drainerLag().toMillis());
    timeGauge(registry, "hourmeter.send.last.success.age", "Time since AWS last accepted a report",
        s -> s.lastSuccess() == null ? Double.NaN : Duration.between(s.lastSuccess(), s.at()).toMillis());

    counter(registry, "hourmeter.reports.accepted", null, "Reports AWS accepted",
        MeterStatus::acceptedReports);
    counter(registry, "hourmeter.usage.accepted", "units", "Units in accepted reports", MeterStatus::acceptedUnits);
    counter(registry, "hourmeter.usage.carried", "units", "Units carried into a later hour",
        MeterStatus::carriedUnits);
    counter(registry, "hourmeter.usage.refused", "units", "Units record() refused in this process",
        MeterStatus::refusedUnits);
    gauge(registry, "hourmeter.reports.dead.lettered", null, "Reports dead-lettered", Tags.empty(),
        MeterStatus::deadLetteredReports);
    gauge(registry, "hourmeter.usage.dead.lettered", "units", "Units in dead-lettered reports", Tags.empty(),
        MeterStatus::deadLetteredUnits);

    gauge(registry, "hourmeter.send.failures.consecutive", null, "Failed sends since the last success",
        Tags.empty(), MeterStatus::consecutiveFailures);
    for (CircuitState state : CircuitState.values()) {
      gauge(registry, "hourmeter.circuit.state", null, "1 for the submitter's circuit breaker state",
          Tags.of("state", tagValue(state)), s -> s.circuitState() == state ? 1 : 0);
    }
    for (MeterStatus.Sending state : MeterStatus.Sending.values()) {
      gauge(registry, "hourmeter.sending.state", null, "1 for what the drainer is doing about sending",
          Tags.of("state", tagValue(state)), s -> s.sending() == state ? 1 : 0);
    }
    for (MeteringHealth.Level level : MeteringHealth.Level.values()) {
      gauge(registry, "hourmeter.health", null, "1 for the metering health level (fail closed only at failing)",
          Tags.of("level", tagValue(level)), s -> MeteringHealth.of(s).level() == level ? 1 : 0);
    }

    gauge(registry, "hourmeter.journal.size", "bytes", "Bytes the journal holds on disk", Tags.empty(),
        MeterStatus::journalBytes);
    gauge(registry, "hourmeter.disk.low", null, "1 while record() refuses units for lack of disk space",
        Tags.empty(), s -> s.diskLow() ? 1 : 0);
    gauge(registry, "hourmeter.dimensions.quarantined", null, "Dimensions AWS rejected as unknown for the product",
        Tags.empty(), s -> s.quarantinedDimensions().size());
    gauge(registry, "hourmeter.customers.quarantined", null, "SaaS buyers AWS would not bill, waiting for a probe",
        Tags.empty(), s -> s.quarantinedBuyers().size());
    gauge(registry, "hourmeter.customers.pending", null, "SaaS buyers with usage not yet accepted, carried or "
        + "dead-lettered", Tags.empty(), MeterStatus::pendingBuyers);
    for (String key : customerKeys) {
      gauge(registry, "hourmeter.customer.quarantined", null, "1 while this SaaS buyer is quarantined",
          Tags.of("customer", key), s -> s.quarantinedBuyers().contains(key) ? 1 : 0);
    }
  }

  private static double pendingUnits(MeterStatus status, String dimension) {
    long units = 0;
    for (Map<String, Long> hour : status.pendingUnitsByHour().values()) {
      Long inHour = hour.get(dimension);
      if (inHour != null) {
        units += inHour;
      }
    }
    return units;
  }

  private static String tagValue(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  private void gauge(MeterRegistry registry, String name, String baseUnit, String description, Tags extra,
      ToDoubleFunction<MeterStatus> value) {
    Gauge.builder(name, meter, m -> value.applyAsDouble(snapshots.current()))
        .baseUnit(baseUnit).description(description).tags(tags.and(extra)).register(registry);
  }

  private void timeGauge(MeterRegistry registry, String name, String description,
      ToDoubleFunction<MeterStatus> millis) {
    TimeGauge.builder(name, meter, TimeUnit.MILLISECONDS, m -> millis.applyAsDouble(snapshots.current()))
        .description(description).tags(tags).register(registry);
  }

  private void counter(MeterRegistry registry, String name, String baseUnit, String description,
      ToDoubleFunction<MeterStatus> total) {
    FunctionCounter.builder(name, meter, m -> total.applyAsDouble(snapshots.current()))
        .baseUnit(baseUnit).description(description).tags(tags).register(registry);
  }

  /**
   * Configures {@link HourmeterMetrics}. Not thread-safe; build once.
   */
  public static final class Builder {
    private final Meter meter;
    private List<String> dimensions;
    private List<String> customerKeys = List.of();
    private Tags tags = Tags.empty();
    private Duration snapshotMaxAge = Duration.ofSeconds(1);
    private Clock clock = Clock.SYSTEM;
    private Supplier<MeterStatus> status;

    private Builder(Meter meter) {
      if (meter == null) {
        throw new NullPointerException("meter");
      }
      this.meter = meter;
      this.status = meter::status;
    }

    /**
     * The meter's dimensions, as given to {@code MeterBuilder.dimensions}: one
     * {@code hourmeter.usage.pending} gauge each. Required. In HOURLY and AGENTCORE mode each name is
     * checked against the meter.
     *
     * @throws IllegalArgumentException naming {@code dimensions} when a name is not the meter's
     */
    public Builder dimensions(String... names) {
      List<String> list = List.of(names);
      if (list.isEmpty()) {
        throw new IllegalArgumentException("dimensions: name at least one of the meter's dimensions");
      }
      for (String name : list) {
        try {
          meter.dimension(name);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("dimensions: " + e.getMessage(), e);
        } catch (IllegalStateException saasMeter) {
          // A SaaS meter hands out dimensions per buyer only; its names are checked at record time.
        }
      }
      dimensions = list;
      return this;
    }

    /**
     * Opt-in: buyers ({@code Buyer.key()}) that get a {@code hourmeter.customer.quarantined} gauge with a
     * {@code customer} tag. Each is a time series of its own, so name a few large buyers, not all.
     */
    public Builder customerTags(String... buyerKeys) {
      customerKeys = List.of(buyerKeys);
      return this;
    }

    /** Tags added to every meter, for example to tell two meters of one JVM apart. */
    public Builder tags(Iterable<Tag> common) {
      tags = Tags.of(common);
      return this;
    }

    /**
     * How long one status snapshot serves every gauge (default 1 second), so that a scrape takes one
     * snapshot. 0 takes one per read.
     */
    public Builder snapshotMaxAge(Duration maxAge) {
      if (maxAge == null || maxAge.isNegative()) {
        throw new IllegalArgumentException("snapshotMaxAge must be 0 or more but was " + maxAge);
      }
      snapshotMaxAge = maxAge;
      return this;
    }

    /** The clock that ages snapshots; default {@link Clock#SYSTEM}. Tests pass a {@code MockClock}. */
    public Builder clock(Clock source) {
      if (source == null) {
        throw new NullPointerException("clock");
      }
      clock = source;
      return this;
    }

    /** Statuses from elsewhere than {@code meter.status()}: for tests of the binder itself. */
    Builder statusSource(Supplier<MeterStatus> source) {
      status = source;
      return this;
    }

    /**
     * The binder.
     *
     * @throws IllegalStateException when {@link #dimensions} was not given
     */
    public HourmeterMetrics build() {
      if (dimensions == null) {
        throw new IllegalStateException("dimensions: name the meter's dimensions (as given to "
            + "MeterBuilder.dimensions), for the hourmeter.usage.pending gauges");
      }
      return new HourmeterMetrics(meter, status, this);
    }
  }

  @Override
  public String toString() {
    return "HourmeterMetrics" + dimensions;
  }

  /** For tests: the instant of the snapshot the gauges read now. */
  Instant snapshotAt() {
    return snapshots.current().at();
  }
}
