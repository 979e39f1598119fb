package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.StorageProvider;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.testing.MutableClock;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChronicleStorageProviderTest {
  @TempDir
  Path temp;

  @Test
  void serviceLoaderFindsTheChronicleProvider() {
    assertThat(ServiceLoader.load(StorageProvider.class).stream().map(ServiceLoader.Provider::type))
        .containsExactly(ChronicleStorageProvider.class);
  }

  @Test
  void theProviderOpensTheChronicleJournal() {
    try (UsageJournal journal = new ChronicleStorageProvider().openJournal(new JournalSettings(
        temp.resolve("journal"), MutableClock.atHour(400_000), 0, FreeSpaceProbe.fileSystem()))) {
      assertThat(journal).isInstanceOf(ChronicleUsageJournal.class);
      assertThat(journal.directory()).isEqualTo(temp.resolve("journal").toAbsolutePath());
    }
  }

  @Test
  void journalDiskBytesCountTheJournalsFilesButNotTheLedgers() throws Exception {
    Path directory = temp.resolve("journal");
    ChronicleStorageProvider provider = new ChronicleStorageProvider();
    try (UsageJournal journal = provider.openJournal(new JournalSettings(directory, MutableClock.atHour(400_000),
        0, FreeSpaceProbe.fileSystem()));
         io.hourmeter.spi.ReportLedger ledger = provider.openLedger(directory)) {
      journal.append(journal.dimensionId("users"), 1, 0);
      long journalBytes = journal.diskBytes();
      assertThat(journalBytes).isGreaterThanOrEqualTo(
          java.nio.file.Files.size(directory.resolve(CycleFiles.fileName(400_000))));

      ledger.commit(java.util.Map.of("big", "x".repeat(100_000)), java.util.Set.of());

      assertThat(journal.diskBytes()).isEqualTo(journalBytes);
      assertThat(ledger.diskBytes()).isGreaterThan(100_000);
    }
  }

  @Test
  void appendAllocatesNothingOnceItsThreadHasAnAppender() {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    try (ChronicleUsageJournal journal = ChronicleUsageJournal.open(new JournalSettings(temp.resolve("journal"),
        MutableClock.atHour(400_000), 0, FreeSpaceProbe.fileSystem()))) {
      int users = journal.dimensionId("users");
      for (int i = 0; i < 20_000; i++) {
        journal.append(users, i, 0);
      }
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < 50_000; i++) {
        journal.append(users, i, 0);
      }
      long allocated = threads.getThreadAllocatedBytes(thread) - before;

      // One-off allocations (a class loaded on first use of a path, Chronicle mapping its next chunk)
      // come to a few kilobytes; 50,000 appends allocating even one 16-byte object each would be 800 KB.
      assertThat(allocated).isLessThan(64 * 1024);
    }
  }
}
