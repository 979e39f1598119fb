package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appenders and readers of many threads are closed properly, and close() is safe against appends. */
class JournalLifecycleTest {
  private static final long HOUR = 430_000;

  @TempDir
  Path temp;

  private ChronicleUsageJournal open(Path directory) {
    return ChronicleUsageJournal.open(new JournalSettings(directory, MutableClock.atHour(HOUR), 0,
        FreeSpaceProbe.fileSystem()));
  }

  @Test
  void closeUnmapsEveryFileOfTheJournalThatManyThreadsAppendedToAndRead() throws Exception {
    Path directory = temp.resolve("journal");
    ChronicleUsageJournal journal = open(directory);
    int users = journal.dimensionId("users");
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 1_000; i++) {
          journal.append(users, i, 0);
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    JournalReader reader = journal.reader(0);
    assertThat(reader.read((p, h, d, c, q, t) -> { }, 10)).isEqualTo(10);
    assertThat(mappingsUnder(directory)).isNotEmpty();

    journal.close();

    assertThat(mappingsUnder(directory)).isEmpty();
    assertThat(reader.read((p, h, d, c, q, t) -> { }, 10)).isZero();
    reader.close();
  }

  @Test
  void appendsRacingCloseEitherLandOrReturnFalseAndNeverCrash() throws Exception {
    for (int round = 0; round < 3; round++) {
      Path directory = temp.resolve("journal-" + round);
      ChronicleUsageJournal journal = open(directory);
      int users = journal.dimensionId("users");
      int threads = 4;
      CountDownLatch started = new CountDownLatch(threads);
      AtomicLong accepted = new AtomicLong();
      AtomicLong refusedAfterClose = new AtomicLong();
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int tag = t + 1;
        Thread worker = new Thread(() -> {
          started.countDown();
          try {
            for (int i = 0; i < 50_000; i++) {
              if (journal.append(users, i, tag)) {
                accepted.incrementAndGet();
              } else {
                refusedAfterClose.incrementAndGet();
              }
            }
          } catch (Throwable e) {
            thrown.set(e);
          }
        });
        worker.start();
        workers.add(worker);
      }
      started.await();
      Thread.sleep(20);
      journal.close();
      assertThat(journal.append(users, 1, 0)).isFalse();
      for (Thread worker : workers) {
        worker.join();
      }

      assertThat(thrown.get()).isNull();
      assertThat(refusedAfterClose.get()).isPositive();
      try (ChronicleUsageJournal reopened = open(directory)) {
        assertThat(JournalTesting.readAll(reopened, 0)).hasSize((int) accepted.get());
      }
    }
  }

  @Test
  void anAppenderOfAThreadThatDiedIsClosedWithoutWaitingForTheJournalToClose() throws Exception {
    Path directory = temp.resolve("journal");
    try (ChronicleUsageJournal journal = open(directory)) {
      int users = journal.dimensionId("users");
      int before = mappingsUnder(directory).size();
      Thread shortLived = new Thread(() -> journal.append(users, 1, 0));
      shortLived.start();
      shortLived.join();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (mappingsUnder(directory).size() > before && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(mappingsUnder(directory)).hasSizeLessThanOrEqualTo(before);
      assertThat(journal.append(users, 2, 0)).isTrue();
      assertThat(JournalTesting.readAll(journal, 0)).hasSize(2);
    }
  }

  /** Lines of /proc/self/maps for files under {@code directory}. */
  private static List<String> mappingsUnder(Path directory) throws Exception {
    String prefix = directory.toRealPath().toString();
    return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains(prefix)).toList();
  }
}
