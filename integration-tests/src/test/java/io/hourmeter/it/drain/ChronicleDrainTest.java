package io.hourmeter.it.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Meter;
import io.hourmeter.internal.DefaultMeter;
import io.hourmeter.internal.drain.Drainer;
import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.journal.ChronicleStorageProvider;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.testing.MutableClock;
import io.hourmeter.testing.RecordingUsageSubmitter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drainer on the real Chronicle journal and file ledger, driven by hand. */
class ChronicleDrainTest {
  private static final long HOUR = 490_000;

  @TempDir
  Path dir;

  private static void drain(Drainer drainer) {
    for (int i = 0; i < 1_000 && drainer.doWork() > 0; i++) {
      // until idle
    }
  }

  private static Meter meter(Path journal, MutableClock clock, RecordingUsageSubmitter aws) {
    return Meter.builder().productCode("prod-chronicle").dimensions("users", "requests").journalDirectory(journal)
        .submitter(aws).clock(clock).storage(new ChronicleStorageProvider()).sendJitter(Duration.ZERO)
        .retention(Duration.ofHours(2)).drainerThread(false).build();
  }

  @Test
  void hoursAreFrozenSentCarriedAndRebuiltAcrossRestartsOnChronicle() {
    MutableClock clock = MutableClock.atHour(HOUR);
    RecordingUsageSubmitter aws = new RecordingUsageSubmitter(clock, "prod-chronicle", Set.of("users", "requests"));
    Path journal = dir.resolve("journal");
    long recorded = 0;
    Meter meter = meter(journal, clock, aws);
    aws.failNext(1, OutcomeClass.TIMESTAMP_OUT_OF_BOUNDS);
    for (int hour = 0; hour < 8; hour++) {
      for (int minute = 0; minute < 60; minute += 5) {
        meter.record("users", minute + 1);
        recorded += minute + 1;
        meter.record("requests", 2);
        clock.advance(Duration.ofMinutes(5));
        drain(((DefaultMeter) meter).drainer());
        if (minute == 30 && hour % 3 == 1) {
          meter.close();
          meter = meter(journal, clock, aws);
        }
      }
    }
    clock.advance(Duration.ofMinutes(5));
    drain(((DefaultMeter) meter).drainer());
    clock.advance(Duration.ofHours(1));
    drain(((DefaultMeter) meter).drainer());
    meter.close();

    assertThat(aws.acceptedUnits().get("users")).isEqualTo(recorded);
    assertThat(aws.acceptedUnits().get("requests")).isEqualTo(8 * 12 * 2);
    try (JournalInspection inspection = JournalInspection.open(journal, new ChronicleStorageProvider())) {
      assertThat(inspection.verify()).allMatch(JournalInspection.HourCheck::matches);
      assertThat(inspection.summary().journalHours()).as("retention deleted old cycles").doesNotContain(HOUR);
      assertThat(inspection.summary().carryPool()).isEmpty();
    }
  }
}
