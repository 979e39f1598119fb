package io.hourmeter.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.testing.MutableClock;
import io.hourmeter.testing.RecordingUsageSubmitter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A journal directory built the way an application builds one: a real {@link Meter} on the Chronicle
 * journal (found by ServiceLoader), its drainer thread, and the in-memory submitter that dedupes as AWS
 * does, on a clock the test moves. Hour H holds users 12 and requests 10, hour H+1 users 10 and
 * requests 7; both are reported (the first send is refused as an invalid report, so one report of H
 * is dead-lettered); hour H+2 is open with users 1.
 */
final class MeteredJournal implements AutoCloseable {
  static final String PRODUCT = "prod-cli-test";
  /** 2026-11-23T01:00Z. */
  static final long H = 498_721;

  final Path directory;
  final MutableClock clock = MutableClock.atHour(H);
  final RecordingUsageSubmitter submitter = new RecordingUsageSubmitter(clock, PRODUCT, Set.of("users", "requests"));
  final Meter meter;
  int records;

  MeteredJournal(Path directory) throws InterruptedException {
    this.directory = directory;
    submitter.failNext(1, OutcomeClass.INVALID_REPORT);
    meter = Meter.builder()
        .productCode(PRODUCT)
        .dimensions("users", "requests")
        .journalDirectory(directory)
        .submitter(submitter)
        .clock(clock)
        .hourGrace(Duration.ofMinutes(1))
        .sendJitter(Duration.ZERO)
        .build();
    Dimension users = meter.dimension("users");
    Dimension requests = meter.dimension("requests");
    for (int i = 0; i < 4; i++) {
      record(users, 3);
    }
    record(requests, 10);
    clock.advance(Duration.ofHours(1));
    record(users, 5);
    record(users.allocation(io.hourmeter.Tags.of("team", "blue")), 5);
    record(requests, 7);
    clock.advance(Duration.ofMinutes(62));
    record(users, 1);
    await(s -> s.acceptedReports() == 3 && s.deadLetteredReports() == 1, "3 accepted and 1 dead letter");
  }

  private void record(Dimension dimension, long units) {
    assertThat(dimension.record(units)).isTrue();
    records++;
  }

  /** Waits (bounded) for the drainer thread to bring the status to {@code condition}. */
  MeterStatus await(Predicate<MeterStatus> condition, String what) throws InterruptedException {
    return await(meter, condition, what);
  }

  /** Waits (bounded) for the drainer thread of {@code meter} to bring its status to {@code condition}. */
  static MeterStatus await(Meter meter, Predicate<MeterStatus> condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    MeterStatus status = meter.status();
    while (!condition.test(status)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the drainer did not reach: " + what + "; status " + status);
      }
      Thread.sleep(20);
      status = meter.status();
    }
    return status;
  }

  @Override
  public void close() {
    meter.close();
  }
}
