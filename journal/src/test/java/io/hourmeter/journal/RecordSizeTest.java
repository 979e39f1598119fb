package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.journal.internal.RecordCodec;
import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record costs at most 24 bytes on disk, Chronicle's header included. Measured as the blocks the file
 * system really allocated to the hour's cycle file ({@code stat %b}), not its apparent size, which
 * Chronicle extends a whole block ahead (sparse); the hour's own header and index pages are included
 * and amortized over the records; the journal-wide metadata file is not.
 */
class RecordSizeTest {
  private static final long HOUR = 410_000;
  private static final int RECORDS = 100_000;

  @TempDir
  Path temp;

  @Test
  void aRecordTakesAtMost24BytesOnDiskIncludingChroniclesHeader() throws Exception {
    Path directory = temp.resolve("journal");
    try (ChronicleUsageJournal journal = ChronicleUsageJournal.open(new JournalSettings(directory,
        MutableClock.atHour(HOUR), 0, FreeSpaceProbe.fileSystem()))) {
      int users = journal.dimensionId("users");
      for (int i = 0; i < RECORDS; i++) {
        assertThat(journal.append(users, i, i % 5)).isTrue();
      }
    }
    Path cycle = directory.resolve(CycleFiles.fileName(HOUR));
    long allocated = allocatedBytes(cycle);
    double perRecord = (double) allocated / RECORDS;
    System.out.printf("record size: %d records, cycle file allocated %d bytes (apparent %d) = %.2f bytes/record;"
        + " payload %d + header %d%n", RECORDS, allocated, Files.size(cycle), perRecord,
        RecordCodec.PAYLOAD_BYTES, RecordCodec.HEADER_BYTES);
    assertThat(RecordCodec.PAYLOAD_BYTES + RecordCodec.HEADER_BYTES).isEqualTo(20);
    assertThat(allocated).as("the records' own bytes").isGreaterThanOrEqualTo(20L * RECORDS);
    assertThat(perRecord).isLessThanOrEqualTo(24.0);
  }

  private static long allocatedBytes(Path file) throws Exception {
    Process stat;
    try {
      stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      Assumptions.abort("needs coreutils stat to read allocated blocks: " + e.getMessage());
      return -1;
    }
    String[] out = new String(stat.getInputStream().readAllBytes()).strip().split(" ");
    Assumptions.assumeTrue(stat.waitFor() == 0 && out.length == 2, "stat failed: " + String.join(" ", out));
    return Long.parseLong(out[0]) * Long.parseLong(out[1]);
  }
}
