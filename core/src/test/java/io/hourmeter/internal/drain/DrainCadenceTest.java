package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static io.hourmeter.internal.drain.DrainerFixture.hourStart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.spi.ReportState;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import io.hourmeter.testing.RecordingUsageSubmitter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drainer's cadence ({@code drainInterval}): it reads what the journal gained once per interval,
 * and at once when an hour closes, at close and when status asks; the freeze points stay the same.
 */
class DrainCadenceTest {
  @TempDir
  Path dir;

  private DrainerFixture fixture(Duration interval, Duration grace) {
    return new DrainerFixture(dir, DrainerFixture.defaults(b -> b.drainInterval(interval).hourGrace(grace)));
  }

  /** Pending units as the drainer last published them (status() itself would ask for a catch-up). */
  private static long published(DrainerFixture f, String dimension) {
    MeterStatus last = f.statuses.get(f.statuses.size() - 1);
    return last.pendingUnitsByHour().values().stream().mapToLong(d -> d.getOrDefault(dimension, 0L)).sum();
  }

  @Test
  void theDrainerLeavesTheJournalAloneUntilTheIntervalHasPassed() {
    DrainerFixture f = fixture(Duration.ofSeconds(1), Duration.ofMinutes(1));
    f.record("users", 5);
    f.drain();
    assertThat(published(f, "users")).as("the first step reads").isEqualTo(5);

    f.record("users", 3);
    f.advance(Duration.ofMillis(999)).drain();
    assertThat(published(f, "users")).as("within the interval nothing more is read").isEqualTo(5);

    f.advance(Duration.ofMillis(1)).drain();
    assertThat(published(f, "users")).as("once it has passed, the step reads to the end").isEqualTo(8);
  }

  @Test
  void anHourThatClosesIsReadToItsEndBeforeItFreezesWhateverTheInterval() {
    DrainerFixture f = fixture(Duration.ofMinutes(1), Duration.ZERO);
    f.advance(Duration.ofMinutes(59).plusSeconds(30));
    f.record("users", 5);
    f.drain(); // reads at 59:30; the interval would not read again before 60:30
    f.advance(Duration.ofSeconds(15));
    f.record("users", 3);
    f.advance(Duration.ofSeconds(15)).drain(); // 60:00: the hour closes

    assertThat(f.reports(ReportState.ACCEPTED)).singleElement().satisfies(r -> {
      assertThat(r.timestamp()).isEqualTo(hourStart(HOUR));
      assertThat(r.quantity()).as("every unit of the hour, none left to be carried as late").isEqualTo(8);
    });
    assertThat(f.ledger().carryPool()).isEmpty();
  }

  @Test
  void statusAsksForACatchUpAndSaysHowFarBehindTheDrainerMayBe() {
    DrainerFixture f = fixture(Duration.ofMinutes(1), Duration.ofMinutes(1));
    f.record("users", 5);
    f.drain();
    f.advance(Duration.ofSeconds(20));
    f.record("users", 3);
    f.drain();
    assertThat(published(f, "users")).isEqualTo(5);

    Meter meter = f.meter;
    assertThat(meter.status().drainerLag()).as("20 s since the last read reached the end")
        .isEqualTo(Duration.ofSeconds(20));
    f.drainer().doWork(); // the step that status asked for
    assertThat(published(f, "users")).as("status' request read to the end").isEqualTo(8);
    assertThat(meter.status().drainerLag()).isEqualTo(Duration.ZERO);
  }

  @Test
  void closeReadsWhatTheIntervalHadNotYetRead() {
    DrainerFixture f = fixture(Duration.ofMinutes(1), Duration.ofMinutes(1));
    f.record("users", 5);
    f.drain();
    f.record("users", 4);
    f.meter.close();
    Map<Instant, Map<String, Long>> pending = f.meter.status().pendingUnitsByHour();
    assertThat(pending.get(hourStart(HOUR))).containsEntry("users", 9L);
  }

  @Test
  void aClockThatGoesBackDoesNotStopTheReads() {
    DrainerFixture f = fixture(Duration.ofMinutes(1), Duration.ofMinutes(1));
    f.advance(Duration.ofMinutes(10));
    f.record("users", 5);
    f.drain();
    f.clock.set(f.clock.instant().minus(Duration.ofMinutes(5)));
    f.record("users", 2);
    f.drain();
    assertThat(published(f, "users")).isEqualTo(7);
  }

  @Test
  void statusWakesTheDrainerThreadForACatchUpThoughTheIntervalNeverPasses() throws Exception {
    MutableClock clock = MutableClock.atHour(HOUR);
    try (Meter meter = Meter.builder().productCode(DrainerFixture.PRODUCT).dimensions("users")
        .journalDirectory(dir.resolve("journal"))
        .submitter(new RecordingUsageSubmitter(clock, DrainerFixture.PRODUCT, Set.of("users")))
        .clock(clock).storage(new InMemoryStorage()).drainInterval(Duration.ofMinutes(1)).build()) {
      meter.record("users", 5);
      awaitPending(meter, 5);
      meter.record("users", 3);
      // The clock stands still, so only status' request makes the drainer read again.
      awaitPending(meter, 8);
    }
  }

  private static void awaitPending(Meter meter, long units) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long seen = -1;
    while (System.nanoTime() < deadline) {
      seen = meter.status().pendingUnitsByHour().values().stream().mapToLong(d -> d.getOrDefault("users", 0L)).sum();
      if (seen == units) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("pending users stayed at " + seen + ", not " + units);
  }

  @Test
  void theNextHourCloseIsTheFirstHourEndPlusGraceAfterNow() {
    Duration grace = Duration.ofMinutes(1);
    Instant start = hourStart(HOUR);
    assertThat(Drainer.nextHourClose(start, grace)).isEqualTo(start.plusSeconds(60));
    assertThat(Drainer.nextHourClose(start.plusSeconds(60), grace)).isEqualTo(start.plusSeconds(3660));
    assertThat(Drainer.nextHourClose(start.plusSeconds(59), grace)).isEqualTo(start.plusSeconds(60));
    assertThat(Drainer.nextHourClose(start, Duration.ZERO)).isEqualTo(start.plusSeconds(3600));
  }

  @Test
  void theIntervalIsCheckedWhenSet() {
    assertThatThrownBy(() -> Meter.builder().drainInterval(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("drainInterval");
    assertThatThrownBy(() -> Meter.builder().drainInterval(Duration.ofMinutes(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("drainInterval");
    assertThatThrownBy(() -> Meter.builder().drainInterval(Duration.ZERO).drainInterval(Duration.ZERO))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("drainInterval");
  }
}
