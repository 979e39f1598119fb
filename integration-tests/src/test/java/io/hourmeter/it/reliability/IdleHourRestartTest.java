package io.hourmeter.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Meter;
import io.hourmeter.MeteringMode;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash storm's failure, made deterministic: a meter reports hour 0 (its drainer's checkpoint is
 * then the end of hour 0) and stops; nothing runs for all of hour 1, so hour 1 has no cycle file; a
 * meter restarted in hour 2 must read on from the checkpoint past the missing hour and report hour 2.
 * (Chronicle cannot open a reader there: see {@link JournalHourGapTest}; the drainer must cope.)
 */
class IdleHourRestartTest {

  @TempDir
  Path dir;

  @Test
  void aMeterRestartedAfterAnHourWithNoCycleFileGoesOnReporting() throws Exception {
    // Started before hour 10, so that hour 10 is reported as itself (an hour the meter started in is carried).
    MutableClock clock = new MutableClock(Instant.parse("2026-11-23T09:59:00Z"));
    try (EndpointFixture endpoint = new EndpointFixture(clock, "users")) {
      try (Meter first = ScaledMeter.builder(dir, MeteringMode.HOURLY, clock, ScaledMeter.submitter(endpoint.uri(), clock),
          "users").build()) {
        clock.set(Instant.parse("2026-11-23T10:30:00Z"));
        assertThat(first.dimension("users").record(7)).isTrue();
        clock.set(Instant.parse("2026-11-23T11:10:00Z")); // hour 10 closed and frozen
        Thread.sleep(1_000);
        clock.set(Instant.parse("2026-11-23T11:12:00Z")); // its send jitter (at most 1 min) passed
        awaitAccepted(endpoint, 1);
      }
      clock.set(Instant.parse("2026-11-23T12:20:00Z")); // nothing ran in hour 11
      try (Meter second = ScaledMeter.builder(dir, MeteringMode.HOURLY, clock, ScaledMeter.submitter(endpoint.uri(), clock),
          "users").build()) {
        assertThat(second.dimension("users").record(5)).isTrue();
        Thread.sleep(1_000);
        clock.set(Instant.parse("2026-11-23T13:10:00Z"));
        Thread.sleep(1_000);
        clock.set(Instant.parse("2026-11-23T13:12:00Z"));
        awaitAccepted(endpoint, 2);
      }
      assertThat(endpoint.accepted()).extracting(AcceptedRecord::timestamp, AcceptedRecord::quantity)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-11-23T10:00:00Z"), 7L),
              org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-11-23T12:00:00Z"), 5L));
    }
  }

  private static void awaitAccepted(EndpointFixture endpoint, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline && endpoint.accepted().size() < count) {
      Thread.sleep(50);
    }
    assertThat(endpoint.accepted()).as("records accepted").hasSize(count);
  }
}
