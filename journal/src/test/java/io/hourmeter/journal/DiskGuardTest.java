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
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskGuardTest {
  private static final long HOUR = 440_000;
  private static final long MIN_FREE = 1024;

  @TempDir
  Path temp;

  private final AtomicLong usable = new AtomicLong(Long.MAX_VALUE / 2);
  private final AtomicLong probeCalls = new AtomicLong();

  private ChronicleUsageJournal open() {
    FreeSpaceProbe probe = dir -> {
      probeCalls.incrementAndGet();
      return usable.get();
    };
    return ChronicleUsageJournal.open(new JournalSettings(temp.resolve("journal"), MutableClock.atHour(HOUR),
        MIN_FREE, probe));
  }

  @Test
  void theThresholdReservesRoomForChroniclesNextBlock() throws Exception {
    try (ChronicleUsageJournal journal = open()) {
      assertThat(journal.freeSpaceThresholdBytes()).isEqualTo(MIN_FREE + ChronicleUsageJournal.DEFAULT_BLOCK_SIZE);
      usable.set(MIN_FREE + ChronicleUsageJournal.DEFAULT_BLOCK_SIZE - 1);
      awaitDiskLow(journal, true);
      usable.set(MIN_FREE + ChronicleUsageJournal.DEFAULT_BLOCK_SIZE);
      awaitDiskLow(journal, false);
    }
  }

  @Test
  void aRefusedAppendDoesNotTouchChronicle() throws Exception {
    try (ChronicleUsageJournal journal = open()) {
      int users = journal.dimensionId("users");
      usable.set(0);
      awaitDiskLow(journal, true);

      assertThat(journal.append(users, 1, 0)).isFalse();

      assertThat(journal.hours()).as("no cycle file was created").isEmpty();
      assertThat(journal.appendFailures()).isZero();
    }
  }

  @Test
  void freeSpaceIsSampledInTheBackgroundNotOnEveryAppend() {
    try (ChronicleUsageJournal journal = open()) {
      int users = journal.dimensionId("users");
      long before = probeCalls.get();
      for (int i = 0; i < 100_000; i++) {
        assertThat(journal.append(users, i, 0)).isTrue();
      }
      assertThat(probeCalls.get() - before).isLessThan(10_000);
    }
  }

  @Test
  void aRealFileSystemFillingUpRefusesAppendsWithoutCrashingAndResumesWhenSpaceReturns() throws Exception {
    Path mount = Files.createDirectories(temp.resolve("tmpfs"));
    Process mounting = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount.toString())
        .redirectErrorStream(true).start();
    String why = new String(mounting.getInputStream().readAllBytes()).strip();
    Assumptions.assumeTrue(mounting.waitFor() == 0,
        "needs permission to mount a 16 MiB tmpfs (root in this sandbox; skipped elsewhere): " + why);
    try {
      Path directory = mount.resolve("journal");
      try (ChildJvm child = ChildJvm.start(DiskFillChild.class, temp.resolve("child.out"), directory.toString(),
          mount.resolve("filler").toString(), Long.toString(4L << 20), Long.toString(1L << 20))) {
        assertThat(child.awaitExit(Duration.ofSeconds(120))).as(Files.readString(child.output())).isZero();
      }
      String output = Files.readString(temp.resolve("child.out"));
      System.out.println("tmpfs fill child said:\n" + output);
      assertThat(output).contains("REFUSED after", "diskLow=true", "RESUMED", "failures=0");
      long appended = Long.parseLong(output.substring(output.indexOf("APPENDED=") + 9).strip());
      assertThat(appended).isGreaterThan(100_000);
      try (ChronicleUsageJournal journal = ChronicleUsageJournal.open(new JournalSettings(directory,
          MutableClock.atHour(HOUR), 0, FreeSpaceProbe.fileSystem()))) {
        List<JournalRecord> records = JournalTesting.readAll(journal, 0);
        assertThat(records).hasSize((int) appended);
        assertThat(records.get(records.size() - 1).quantity()).isEqualTo(appended - 1);
      }
    } finally {
      // Chronicle may release its last mappings a moment after close; a lazy unmount does not wait.
      new ProcessBuilder("umount", "-l", mount.toString()).redirectErrorStream(true).start().waitFor();
    }
  }

  private static void awaitDiskLow(ChronicleUsageJournal journal, boolean low) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (journal.diskLow() != low && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(journal.diskLow()).isEqualTo(low);
  }
}
