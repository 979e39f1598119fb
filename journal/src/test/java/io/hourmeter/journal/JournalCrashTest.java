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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a recording child JVM with SIGKILL at random moments, restarting it each time on the same
 * journal, while its clock runs an hour a second so that kills also land around cycle rolls and
 * restarts find the clock behind the newest cycle. Then every append the children logged as returned
 * must be read back exactly once, and nothing else but at most each thread's one in-flight append.
 */
class JournalCrashTest {
  private static final long START_HOUR = 480_000;
  private static final int RUNS = 21;
  private static final int THREADS = 3;

  @TempDir
  Path temp;

  @Test
  void everyReturnedAppendSurvivesRepeatedSigkillExactlyOnceAndNoTornRecordIsRead() throws Exception {
    Path directory = temp.resolve("journal");
    Path logs = Files.createDirectories(temp.resolve("logs"));
    Random random = new Random();
    int kills = 0;
    for (int run = 0; run < RUNS; run++) {
      try (ChildJvm child = ChildJvm.start(RecordingChild.class, temp.resolve("child-" + run + ".out"),
          directory.toString(), Integer.toString(run), Integer.toString(THREADS), "0", logs.toString(),
          Long.toString(START_HOUR + run), "1", "true")) {
        JournalTesting.awaitOutput(child, "READY", Duration.ofSeconds(60));
        Thread.sleep(20 + random.nextInt(600));
        assertThat(child.isAlive()).as("child %d still recording when killed", run).isTrue();
        child.kill();
        kills++;
      }
    }
    assertThat(kills).isGreaterThanOrEqualTo(20);

    MutableClock clock = MutableClock.atHour(START_HOUR);
    try (ChronicleUsageJournal journal = ChronicleUsageJournal.open(
        new JournalSettings(directory, clock, 0, FreeSpaceProbe.fileSystem()))) {
      int users = journal.dimensionId("users");
      List<JournalRecord> records = JournalTesting.readAll(journal, 0);
      Map<Integer, List<Long>> sequencesByTag = new HashMap<>();
      long previousPosition = -1;
      for (JournalRecord record : records) {
        assertThat(record.dimensionId()).as("dimension of %s", record).isEqualTo(users);
        assertThat(record.position()).isGreaterThan(previousPosition);
        assertThat(record.epochHour()).isEqualTo(record.position() >>> 32).isGreaterThanOrEqualTo(START_HOUR);
        previousPosition = record.position();
        sequencesByTag.computeIfAbsent(record.tagSetId(), t -> new ArrayList<>()).add(record.quantity());
      }
      long logged = 0;
      for (int run = 0; run < RUNS; run++) {
        for (int thread = 0; thread < THREADS; thread++) {
          int tag = RecordingChild.tagOf(run, thread);
          int count = JournalTesting.loggedCount(logs.resolve(RecordingChild.logName(run, thread)));
          logged += count;
          List<Long> present = sequencesByTag.remove(tag);
          present = present == null ? List.of() : present;
          // In order, each once: 0..count-1, and perhaps the one append in flight at the kill.
          assertThat(present.size()).as("records of run %d thread %d", run, thread).isBetween(count, count + 1);
          for (int i = 0; i < present.size(); i++) {
            assertThat(present.get(i)).as("record %d of run %d thread %d", i, run, thread).isEqualTo(i);
          }
        }
      }
      assertThat(sequencesByTag).as("records from no known thread (torn or foreign)").isEmpty();
      assertThat(logged).as("appends logged across all runs").isGreaterThan(RUNS * THREADS);
      System.out.printf("crash test: %d kills, %d records read, %d logged, %d hours%n", kills, records.size(),
          logged, journal.hours().size());
    }
  }
}
