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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills recording child JVMs with SIGKILL at random moments, restarting each on its journal, while their
 * clocks run an hour a second, so that kills also land around cycle rolls and restarts find the clock
 * behind the newest cycle. Two journals are crashed side by side (two chains of runs, each child killed
 * at its own random moment) to keep the test's time within budget. Then every append a child logged as
 * returned must be read back exactly once, and nothing else but at most each thread's one append in
 * flight at the kill.
 */
class JournalCrashTest {
  private static final long START_HOUR = 480_000;
  private static final int CHAINS = 2;
  private static final int RUNS_PER_CHAIN = 11;
  private static final int THREADS = 3;
  /** C1 only: the children start faster on a busy machine; what they test does not need C2. */
  private static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1");

  @TempDir
  Path temp;

  @Test
  void everyReturnedAppendSurvivesRepeatedSigkillExactlyOnceAndNoTornRecordIsRead() throws Exception {
    Random random = new Random();
    int kills = 0;
    for (int run = 0; run < RUNS_PER_CHAIN; run++) {
      List<ChildJvm> children = new ArrayList<>();
      try {
        for (int chain = 0; chain < CHAINS; chain++) {
          children.add(startChild(chain, run));
        }
        for (ChildJvm child : children) {
          JournalTesting.awaitOutput(child, "READY", Duration.ofSeconds(60));
        }
        long[] killAt = new long[CHAINS];
        for (int chain = 0; chain < CHAINS; chain++) {
          killAt[chain] = System.nanoTime() + Duration.ofMillis(20 + random.nextInt(600)).toNanos();
        }
        List<Integer> byKillTime = IntStream.range(0, CHAINS).boxed()
            .sorted(Comparator.comparingLong(chain -> killAt[chain])).toList();
        for (int next : byKillTime) {
          long wait = killAt[next] - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          assertThat(children.get(next).isAlive()).as("chain %d run %d still recording when killed", next, run)
              .isTrue();
          children.get(next).kill();
          kills++;
        }
      } finally {
        for (ChildJvm child : children) {
          child.close();
        }
      }
    }
    assertThat(kills).isGreaterThanOrEqualTo(20);

    for (int chain = 0; chain < CHAINS; chain++) {
      long logged = verifyChain(chain);
      System.out.printf("crash test chain %d: %d kills, %d appends logged as returned, all read back once%n",
          chain, RUNS_PER_CHAIN, logged);
    }
  }

  private ChildJvm startChild(int chain, int run) throws Exception {
    List<String> options = new ArrayList<>(ChildJvm.chronicleFlags());
    options.addAll(FAST_START);
    return ChildJvm.start(options, RecordingChild.class, temp.resolve("chain-" + chain + "-run-" + run + ".out"),
        journalOf(chain).toString(), Integer.toString(run), Integer.toString(THREADS), "0",
        Files.createDirectories(logsOf(chain)).toString(), Long.toString(START_HOUR + run), "1", "true");
  }

  private Path journalOf(int chain) {
    return temp.resolve("journal-" + chain);
  }

  private Path logsOf(int chain) {
    return temp.resolve("logs-" + chain);
  }

  /** Checks one chain's journal against its logs; returns how many appends were logged. */
  private long verifyChain(int chain) throws Exception {
    MutableClock clock = MutableClock.atHour(START_HOUR);
    try (ChronicleUsageJournal journal = ChronicleUsageJournal.open(
        new JournalSettings(journalOf(chain), clock, 0, FreeSpaceProbe.fileSystem()))) {
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
      for (int run = 0; run < RUNS_PER_CHAIN; run++) {
        for (int thread = 0; thread < THREADS; thread++) {
          int tag = RecordingChild.tagOf(run, thread);
          int count = JournalTesting.loggedCount(logsOf(chain).resolve(RecordingChild.logName(run, thread)));
          logged += count;
          List<Long> present = sequencesByTag.remove(tag);
          present = present == null ? List.of() : present;
          // In order, each once: 0..count-1, and perhaps the one append in flight at the kill.
          assertThat(present.size()).as("chain %d run %d thread %d", chain, run, thread).isBetween(count, count + 1);
          for (int i = 0; i < present.size(); i++) {
            assertThat(present.get(i)).as("record %d of chain %d run %d thread %d", i, chain, run, thread)
                .isEqualTo(i);
          }
        }
      }
      assertThat(sequencesByTag).as("records from no known thread (torn or foreign)").isEmpty();
      assertThat(logged).as("appends logged in chain %d", chain).isGreaterThan(RUNS_PER_CHAIN * THREADS);
      assertThat(journal.hours().size()).as("hours rolled during the runs").isGreaterThan(RUNS_PER_CHAIN / 2);
      return logged;
    }
  }
}
