package io.hourmeter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import io.hourmeter.testing.RecordingUsageSubmitter;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A caller's mistake gets an immediate, clear exception, and nothing is journaled for it. */
class RecordBadInputTest {
  @TempDir
  Path directory;

  private final MutableClock clock = MutableClock.atHour(490_000);
  private final InMemoryStorage storage = new InMemoryStorage();
  private Meter meter;

  @BeforeEach
  void build() {
    meter = Meter.builder()
        .productCode("prod-abc123")
        .dimensions("users", "requests")
        .journalDirectory(directory)
        .submitter(new RecordingUsageSubmitter(clock, "prod-abc123", Set.of("users", "requests")))
        .clock(clock)
        .storage(storage)
        .drainerThread(false)
        .build();
  }

  @AfterEach
  void close() {
    meter.close();
  }

  /** Reopens the journal directory and sums every record in it. */
  private long journaledUnits() {
    try (UsageJournal journal = storage.openJournal(
        new JournalSettings(directory, clock, 0, dir -> Long.MAX_VALUE));
        JournalReader reader = journal.reader(0)) {
      AtomicLong units = new AtomicLong();
      while (reader.read((p, h, d, c, q, t) -> units.addAndGet(q), 1000) > 0) {
        // keep reading
      }
      return units.get();
    }
  }

  @Test
  void aNegativeQuantityOnAHandleIsRejectedAndNothingIsJournaled() {
    Dimension users = meter.dimension("users");

    assertThatThrownBy(() -> users.record(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("quantity must be >= 0 but was -1")
        .hasMessageContaining("users");
    assertThat(journaledUnits()).isZero();
  }

  @Test
  void aNegativeQuantityByNameIsRejectedAndNothingIsJournaled() {
    assertThatThrownBy(() -> meter.record("requests", Long.MIN_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("quantity must be >= 0");
    assertThat(journaledUnits()).isZero();
  }

  @Test
  void anUnknownDimensionIsRejectedListingTheDeclaredOnes() {
    assertThatThrownBy(() -> meter.record("gpus", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown dimension 'gpus'")
        .hasMessageContaining("users")
        .hasMessageContaining("requests");
    assertThatThrownBy(() -> meter.dimension("Users"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown dimension 'Users'");
    assertThat(journaledUnits()).isZero();
  }

  @Test
  void aNullDimensionIsANullPointerNamingTheArgument() {
    assertThatThrownBy(() -> meter.record(null, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("dimension");
    assertThatThrownBy(() -> meter.dimension(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("dimension");
    assertThat(journaledUnits()).isZero();
  }

  @Test
  void validRecordsAreJournaledAndZeroJournalsNothing() {
    assertThat(meter.dimension("users").record(3)).isTrue();
    assertThat(meter.record("requests", 4)).isTrue();
    assertThat(meter.record("requests", 0)).isTrue();

    assertThat(journaledUnits()).isEqualTo(7);
  }

  @Test
  void theLargestLongIsJournaledAsIsNotWrapped() {
    assertThat(meter.record("users", Long.MAX_VALUE)).isTrue();

    assertThat(journaledUnits()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void recordAfterCloseReturnsFalseJournalsNothingAndCountsTheRefusedUnits() {
    Dimension users = meter.dimension("users");
    users.record(2);
    meter.close();

    assertThat(users.record(5)).isFalse();
    assertThat(meter.record("requests", 6)).isFalse();

    assertThat(journaledUnits()).isEqualTo(2);
    assertThat(meter.status().closed()).isTrue();
    assertThat(meter.status().refusedUnits()).isEqualTo(11);
  }

  @Test
  void recordAfterCloseStillRejectsCallerMistakes() {
    meter.close();

    assertThatThrownBy(() -> meter.record("users", -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> meter.record("gpus", 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void closeIsIdempotent() {
    meter.close();
    meter.close();

    assertThat(meter.status().closed()).isTrue();
  }
}
