package io.hourmeter.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.journal.ChronicleStorageProvider;
import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the crash storm found (fixed in the journal since): a reader that resumes at the end of an hour
 * must read on past a later hour that has no cycle file, because nothing was recorded in it (the
 * application was down or idle for an hour) or because retention deleted it while an older hour was
 * kept. Before the fix Chronicle threw "'file not found' for the lowerCycle", and in the storm every
 * later drainer step failed while status showed nothing pending.
 */
class JournalHourGapTest {
  private static final long HOUR = 498_000;

  @TempDir
  Path dir;

  @Test
  void aReaderResumingAtTheEndOfAnHourReadsOnPastAnHourInWhichNothingWasRecorded() {
    MutableClock clock = MutableClock.atHour(HOUR);
    try (UsageJournal journal = new ChronicleStorageProvider()
        .openJournal(new JournalSettings(dir, clock, 0, d -> Long.MAX_VALUE))) {
      int users = journal.dimensionId("users");
      assertThat(journal.append(users, 10, 0)).isTrue();
      clock.advance(Duration.ofHours(2)); // the application was down, or idle, for all of hour 1
      assertThat(journal.append(users, 12, 0)).isTrue();
      clock.advance(Duration.ofHours(1));
      assertThat(journal.append(users, 13, 0)).isTrue();
      long endOfFirstHour;
      try (JournalReader reader = journal.reader(0)) {
        assertThat(reader.read((p, h, d, c, q, t) -> { }, 1)).isEqualTo(1);
        endOfFirstHour = reader.position();
      }
      List<Long> quantities = new ArrayList<>();
      try (JournalReader reader = journal.reader(endOfFirstHour)) {
        while (reader.read((p, h, d, c, q, t) -> quantities.add(q), 100) > 0) {
          // read on
        }
      }
      assertThat(quantities).containsExactly(12L, 13L);
    }
  }

  @Test
  void aReaderResumingAtTheEndOfAnHourReadsOnPastADeletedLaterHour() {
    MutableClock clock = MutableClock.atHour(HOUR);
    try (UsageJournal journal = new ChronicleStorageProvider()
        .openJournal(new JournalSettings(dir, clock, 0, d -> Long.MAX_VALUE))) {
      int users = journal.dimensionId("users");
      for (int h = 0; h < 4; h++) {
        assertThat(journal.append(users, 10 + h, 0)).isTrue();
        clock.advance(Duration.ofHours(1));
      }
      assertThat(journal.append(users, 99, 0)).isTrue(); // hour 4 is current
      long endOfFirstHour;
      try (JournalReader reader = journal.reader(0)) {
        assertThat(reader.read((p, h, d, c, q, t) -> { }, 1)).isEqualTo(1);
        endOfFirstHour = reader.position();
      }
      assertThat(journal.deleteHour(HOUR + 1)).as("hour 1 deleted (its reports final)").isTrue();

      List<Long> quantities = new ArrayList<>();
      try (JournalReader reader = journal.reader(endOfFirstHour)) {
        while (reader.read((p, h, d, c, q, t) -> quantities.add(q), 100) > 0) {
          // read on
        }
      }
      assertThat(quantities).containsExactly(12L, 13L, 99L);
    }
  }
}
