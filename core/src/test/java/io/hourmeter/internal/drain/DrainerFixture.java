package io.hourmeter.internal.drain;

import io.hourmeter.CarryPolicy;
import io.hourmeter.Meter;
import io.hourmeter.MeterBuilder;
import io.hourmeter.MeteringMode;
import io.hourmeter.ShutdownPolicy;
import io.hourmeter.internal.DefaultMeter;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.spi.UsageSubmitter;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import io.hourmeter.testing.RecordingUsageSubmitter;
import io.hourmeter.HourmeterException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A meter on in-memory storage, a controllable clock and the AWS-like recording submitter, with its
 * drainer driven by hand. Tests build one per case; {@link #restart()} simulates a crash and a new
 * process on the same directory.
 */
final class DrainerFixture {
  static final String PRODUCT = "prod-drain1";
  static final long HOUR = 490_000;

  final InMemoryStorage storage = new InMemoryStorage();
  final MutableClock clock = MutableClock.atHour(HOUR);
  final RecordingUsageSubmitter aws;
  final Path directory;
  final List<HourmeterException> alerts = Collections.synchronizedList(new ArrayList<>());
  final List<io.hourmeter.MeterStatus> statuses = Collections.synchronizedList(new ArrayList<>());
  private final Consumer<MeterBuilder> options;
  final java.util.concurrent.atomic.AtomicLong usableBytes = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE / 2);
  UsageSubmitter submitter;
  /** Also called with each alert, on the drainer thread; may throw. */
  volatile Consumer<HourmeterException> alertHook = e -> { };
  /** Also called with each status, on the drainer thread; may throw. */
  volatile Consumer<io.hourmeter.MeterStatus> statusHook = s -> { };
  /** What the meter opens: {@link #storage}, with hooks to make its ledger fail. */
  final HookedStorage hooked = new HookedStorage(storage);
  DefaultMeter meter;

  DrainerFixture(Path directory) {
    this(directory, b -> { });
  }

  DrainerFixture(Path directory, Consumer<MeterBuilder> options) {
    this.directory = directory.resolve("journal");
    this.options = options;
    this.aws = new RecordingUsageSubmitter(clock, PRODUCT, Set.of("users", "requests", "gpus"));
    this.submitter = aws;
    this.meter = build();
  }

  DefaultMeter build() {
    MeterBuilder builder = Meter.builder()
        .productCode(PRODUCT)
        .dimensions("users", "requests", "gpus")
        .journalDirectory(directory)
        .submitter(submitter)
        .clock(clock)
        .storage(hooked)
        .drainerThread(false)
        .errorHandler(e -> {
          alerts.add(e);
          alertHook.accept(e);
        })
        .statusListener(s -> {
          statuses.add(s);
          statusHook.accept(s);
        })
        .freeSpaceProbe(d -> usableBytes.get());
    options.accept(builder);
    return (DefaultMeter) builder.build();
  }

  static Consumer<MeterBuilder> defaults(Consumer<MeterBuilder> more) {
    return b -> {
      b.sendJitter(Duration.ZERO);
      more.accept(b);
    };
  }

  static Consumer<MeterBuilder> noJitter() {
    return b -> b.sendJitter(Duration.ZERO);
  }

  static Consumer<MeterBuilder> agentCore() {
    return b -> b.sendJitter(Duration.ZERO).mode(MeteringMode.AGENTCORE);
  }

  static Consumer<MeterBuilder> deadLetterPolicy() {
    return b -> b.sendJitter(Duration.ZERO).carryPolicy(CarryPolicy.DEAD_LETTER);
  }

  static Consumer<MeterBuilder> partialHour() {
    return b -> b.sendJitter(Duration.ZERO).shutdownPolicy(ShutdownPolicy.REPORT_PARTIAL_HOUR);
  }

  Drainer drainer() {
    return meter.drainer();
  }

  /** Steps the drainer until a step does nothing (bounded). */
  DrainerFixture drain() {
    for (int i = 0; i < 10_000; i++) {
      if (drainer().doWork() == 0) {
        return this;
      }
    }
    throw new AssertionError("the drainer never went idle");
  }

  /** Advances the clock in steps of at most a minute, draining after each. */
  DrainerFixture run(Duration total) {
    Duration left = total;
    Duration step = Duration.ofMinutes(1);
    drain();
    while (!left.isZero()) {
      Duration by = left.compareTo(step) < 0 ? left : step;
      clock.advance(by);
      left = left.minus(by);
      drain();
    }
    return this;
  }

  DrainerFixture advance(Duration by) {
    clock.advance(by);
    return this;
  }

  void record(String dimension, long quantity) {
    if (!meter.record(dimension, quantity)) {
      throw new AssertionError("record refused");
    }
  }

  /** The ledger as a restarted drainer would see it. */
  LedgerState ledger() {
    try (ReportLedger ledger = storage.openLedger(directory)) {
      return LedgerState.load(ledger);
    }
  }

  List<UsageReport> reports(ReportState state) {
    return ledger().reports().values().stream().filter(r -> r.state() == state).toList();
  }

  /** Kills the drainer as kill -9 would and builds a new meter on the same directory. */
  DrainerFixture crashAndRestart() {
    meter.drainer().dieForTest();
    meter = build();
    return this;
  }

  /** Closes the meter cleanly and builds a new one on the same directory. */
  DrainerFixture restart() {
    meter.close();
    meter = build();
    return this;
  }

  static Instant hourStart(long epochHour) {
    return Instant.ofEpochSecond(epochHour * 3600);
  }

  long acceptedUnits(String dimension) {
    return aws.acceptedUnits().getOrDefault(dimension, 0L);
  }
}
