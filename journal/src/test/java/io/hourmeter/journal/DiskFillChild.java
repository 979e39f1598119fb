package io.hourmeter.journal;

import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;

/**
 * A child JVM that fills a small real file system with journal appends until the free-space guard
 * refuses them, checks that it keeps refusing, frees space by deleting a filler file, and checks that
 * appends resume. A JVM crash (SIGBUS on a full mapped file) shows as a non-zero exit.
 *
 * <p>Arguments: journal directory, filler file, filler bytes, minimum free bytes.
 */
public final class DiskFillChild {
  private DiskFillChild() { }

  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    Path filler = Path.of(args[1]);
    long fillerBytes = Long.parseLong(args[2]);
    long minFree = Long.parseLong(args[3]);
    FreeSpaceProbe probe = FreeSpaceProbe.fileSystem();
    long appended = 0;
    try (ChronicleUsageJournal journal = ChronicleUsageJournal.open(
        new JournalSettings(directory, InstantSource.system(), minFree, probe))) {
      try (RandomAccessFile file = new RandomAccessFile(filler.toFile(), "rw")) {
        byte[] block = new byte[64 * 1024];
        for (long written = 0; written < fillerBytes; written += block.length) {
          file.write(block);
        }
      }
      int users = journal.dimensionId("users");
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (journal.append(users, appended, 0)) {
        appended++;
        if (System.nanoTime() > deadline) {
          fail("never refused after " + appended + " appends");
        }
      }
      System.out.println("REFUSED after " + appended + " appends; usable=" + probe.usableBytes(directory)
          + " threshold=" + journal.freeSpaceThresholdBytes() + " diskLow=" + journal.diskLow());
      for (int i = 0; i < 10_000; i++) {
        if (journal.append(users, -1, 0)) {
          fail("an append was accepted while the disk stayed low");
        }
      }
      Files.delete(filler);
      long resumeBy = System.nanoTime() + 10_000_000_000L;
      while (journal.diskLow() && System.nanoTime() < resumeBy) {
        Thread.sleep(10);
      }
      if (!journal.append(users, appended, 0)) {
        fail("appends did not resume after space was freed; usable=" + probe.usableBytes(directory));
      }
      appended++;
      System.out.println("RESUMED usable=" + probe.usableBytes(directory) + " failures=" + journal.appendFailures());
    }
    System.out.println("APPENDED=" + appended);
    System.out.flush();
  }

  private static void fail(String message) {
    System.out.println("FAILED: " + message);
    System.out.flush();
    System.exit(2);
  }
}
