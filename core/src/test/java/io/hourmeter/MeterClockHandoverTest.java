package io.hourmeter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.spi.StorageProvider;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.spi.UsageSubmitter;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import io.hourmeter.testing.RecordingUsageSubmitter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MeterBuilder#build()} hands the meter's clock to the submitter, before it opens anything. */
class MeterClockHandoverTest {
  @TempDir
  Path directory;

  private final MutableClock clock = MutableClock.atHour(490_000);
  private final List<InstantSource> handed = new ArrayList<>();

  private MeterBuilder builder(UsageSubmitter submitter, StorageProvider storage) {
    return Meter.builder()
        .productCode("prod-abc123")
        .dimensions("users")
        .journalDirectory(directory)
        .submitter(submitter)
        .storage(storage)
        .drainerThread(false);
  }

  /** The recording submitter, also noting each clock it is handed, and refusing them if told to. */
  private UsageSubmitter submitter(boolean refuse) {
    RecordingUsageSubmitter aws = new RecordingUsageSubmitter(clock, "prod-abc123", Set.of("users"));
    return new UsageSubmitter() {
      @Override
      public io.hourmeter.spi.SendPermission tryAcquirePermission() {
        return aws.tryAcquirePermission();
      }

      @Override
      public io.hourmeter.spi.SubmitOutcome submit(io.hourmeter.spi.UsageReport report) {
        return aws.submit(report);
      }

      @Override
      public java.time.Duration backoff(int consecutiveFailures) {
        return aws.backoff(consecutiveFailures);
      }

      @Override
      public void useMeterClock(InstantSource meterClock) {
        handed.add(meterClock);
        if (refuse) {
          throw new IllegalStateException("TestSubmitter.clock was set to another clock");
        }
      }
    };
  }

  @Test
  void theMetersClockIsHandedToTheSubmitterOnceAtBuild() {
    try (Meter meter = builder(submitter(false), new InMemoryStorage()).clock(clock).build()) {
      assertThat(handed).containsExactly(clock);
    }
  }

  @Test
  void withoutAClockTheSystemClockIsHandedOver() {
    try (Meter meter = builder(submitter(false), new InMemoryStorage()).build()) {
      assertThat(handed).containsExactly(InstantSource.system());
    }
  }

  @Test
  void aSubmitterRefusingTheMetersClockFailsBuildNamingBothOptionsBeforeTheJournalIsOpened() {
    AtomicBoolean opened = new AtomicBoolean();
    InMemoryStorage memory = new InMemoryStorage();
    StorageProvider storage = new StorageProvider() {
      @Override
      public UsageJournal openJournal(JournalSettings settings) {
        opened.set(true);
        return memory.openJournal(settings);
      }

      @Override
      public ReportLedger openLedger(Path dir) {
        return memory.openLedger(dir);
      }
    };

    assertThatThrownBy(() -> builder(submitter(true), storage).clock(clock).build())
        .isInstanceOf(HourmeterException.class)
        .hasMessageContaining("MeterBuilder.clock")
        .hasMessageContaining("TestSubmitter.clock")
        .satisfies(e -> assertThat(((HourmeterException) e).kind()).isEqualTo(HourmeterException.Kind.CONFIGURATION));
    assertThat(opened).as("journal opened").isFalse();
  }
}
