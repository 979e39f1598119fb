package io.hourmeter.benchmarks;

import io.hourmeter.Meter;
import io.hourmeter.MeterBuilder;
import io.hourmeter.MeterStatus;
import io.hourmeter.spi.SendPermission;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.spi.UsageSubmitter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** How the benchmarks configure a meter: one product, two dimensions, the Chronicle journal. */
final class MeterFixture {
  static final String PRODUCT_CODE = "prod-hourmeterbench";
  static final String USERS = "users";
  static final String REQUESTS = "requests";

  private MeterFixture() { }

  /** A builder for a meter on {@code directory} with the journal found by ServiceLoader. */
  static MeterBuilder builder(Path directory, InstantSource clock, UsageSubmitter submitter) {
    return Meter.builder()
        .productCode(PRODUCT_CODE)
        .dimensions(USERS, REQUESTS)
        .journalDirectory(directory)
        .clock(clock)
        .submitter(submitter)
        .minFreeDiskBytes(0);
  }

  /**
   * Steps {@code drainer} on this thread until {@code meter}'s status shows {@code records} units pending
   * (the drainer benchmarks' measured loop); fails if it shows more.
   */
  static long drainUntilPending(io.hourmeter.internal.drain.Drainer drainer, Meter meter, long records) {
    long pending = 0;
    while (pending < records) {
      drainer.doWork();
      pending = pendingUnits(meter.status());
    }
    if (pending != records) {
      throw new IllegalStateException("the drainer summed " + pending + " units of " + records);
    }
    return pending;
  }

  /** Units journaled and not yet reported, over every hour and dimension, as status shows them. */
  static long pendingUnits(MeterStatus status) {
    long total = 0;
    for (Map<String, Long> byDimension : status.pendingUnitsByHour().values()) {
      for (long units : byDimension.values()) {
        total += units;
      }
    }
    return total;
  }

  /**
   * The SaaS counterpart of {@link #acceptingSubmitter()}: BatchMeterUsage-shaped (25 reports a call),
   * accepting every report at once without a network.
   */
  static UsageSubmitter acceptingBatchSubmitter() {
    UsageSubmitter one = acceptingSubmitter();
    return new UsageSubmitter() {
      @Override
      public SendPermission tryAcquirePermission() {
        return SendPermission.allow();
      }

      @Override
      public int maxReportsPerCall() {
        return 25;
      }

      @Override
      public int callSize(java.util.List<UsageReport> candidates) {
        return Math.min(25, candidates.size());
      }

      @Override
      public java.util.List<SubmitOutcome> submitAll(java.util.List<UsageReport> reports) {
        return reports.stream().map(one::submit).toList();
      }

      @Override
      public SubmitOutcome submit(UsageReport report) {
        return one.submit(report);
      }

      @Override
      public Duration backoff(int consecutiveFailures) {
        return Duration.ofMillis(100);
      }
    };
  }

  /**
   * A submitter that accepts every report at once without a network: for benchmarks whose clock never
   * closes an hour, where nothing is sent, so the submitter only has to exist.
   */
  static UsageSubmitter acceptingSubmitter() {
    AtomicLong ids = new AtomicLong();
    return new UsageSubmitter() {
      @Override
      public SendPermission tryAcquirePermission() {
        return SendPermission.allow();
      }

      @Override
      public SubmitOutcome submit(UsageReport report) {
        return SubmitOutcome.accepted("bench-" + ids.incrementAndGet());
      }

      @Override
      public Duration backoff(int consecutiveFailures) {
        return Duration.ofMillis(100);
      }
    };
  }
}
