package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.journal.internal.RawJournalQueue;
import io.hourmeter.journal.internal.RecordCodec;
import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.testing.JournalRecord;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Path;
import java.time.InstantSource;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmarks' raw baseline writes exactly what the journal writes. */
class RawJournalQueueTest {
  @TempDir
  Path temp;

  @Test
  void aRawAppendWritesARecordTheJournalReadsBack() {
    Path directory = temp.resolve("journal");
    long hourBefore = Math.floorDiv(InstantSource.system().millis(), 3_600_000L);
    try (SingleChronicleQueue queue = RawJournalQueue.open(directory);
         ExcerptAppender appender = queue.createAppender()) {
      RecordCodec.appendRaw(appender, 7, 42, 3);
    }
    long hourAfter = Math.floorDiv(InstantSource.system().millis(), 3_600_000L);
    try (ChronicleUsageJournal journal = ChronicleUsageJournal.open(new JournalSettings(directory,
        MutableClock.atHour(hourBefore), 0, FreeSpaceProbe.fileSystem()))) {
      java.util.List<JournalRecord> records = JournalTesting.readAll(journal, 0);
      assertThat(records).extracting(JournalRecord::dimensionId, JournalRecord::quantity, JournalRecord::tagSetId)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(7, 42L, 3));
      assertThat(records.get(0).epochHour()).isBetween(hourBefore, hourAfter);
      assertThat(journal.hours()).containsExactly(records.get(0).epochHour());
    }
  }
}
