package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.testing.ChildJvm;
import io.hourmeter.testing.JournalRecord;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs append to one journal directory at once, across hour rolls. */
class MultiProcessAppendTest {
  private static final long START_HOUR = 470_000;
  private static final int THREADS = 2;
  private static final int PER_THREAD = 40_000;

  @TempDir
  Path temp;

  @Test
  void twoProcessesAppendingToOneDirectoryEachRecordIsReadExactlyOnce() throws Exception {
    Path directory = temp.resolve("journal");
    Path logs = Files.createDirectories(temp.resolve("logs"));
    try (ChildJvm first = start(0, directory, logs); ChildJvm second = start(1, directory, logs)) {
      assertThat(first.awaitExit(Duration.ofSeconds(120))).as(Files.readString(first.output())).isZero();
      assertThat(second.awaitExit(Duration.ofSeconds(120))).as(Files.readString(second.output())).isZero();
    }

    try (ChronicleUsageJournal journal = ChronicleUsageJournal.open(new JournalSettings(directory,
        MutableClock.atHour(START_HOUR), 0, FreeSpaceProbe.fileSystem()))) {
      List<JournalRecord> records = JournalTesting.readAll(journal, 0);
      assertThat(records).hasSize(2 * THREADS * PER_THREAD);
      Map<Integer, long[]> byTag = new HashMap<>();
      for (JournalRecord record : records) {
        byTag.computeIfAbsent(record.tagSetId(), t -> new long[0]);
      }
      for (int run = 0; run < 2; run++) {
        for (int thread = 0; thread < THREADS; thread++) {
          int tag = RecordingChild.tagOf(run, thread);
          assertThat(records.stream().filter(r -> r.tagSetId() == tag).mapToLong(JournalRecord::quantity))
              .as("process %d thread %d", run, thread)
              .containsExactlyElementsOf(LongStream.range(0, PER_THREAD).boxed().toList());
        }
      }
      assertThat(byTag).hasSize(2 * THREADS);
      assertThat(journal.hours().size()).as("the clocks ran an hour a second").isGreaterThan(1);
    }
  }

  private static ChildJvm start(int run, Path directory, Path logs) throws Exception {
    return ChildJvm.start(RecordingChild.class, logs.resolve("child-" + run + ".out"), directory.toString(),
        Integer.toString(run), Integer.toString(THREADS), Integer.toString(PER_THREAD), logs.toString(),
        Long.toString(START_HOUR), "2", "false");
  }
}
