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
 * A record costs at most 24 bytes on disk, Chronicle's header included: 20 for a record of no customer
 * (hourly, AgentCore), 24 for one of a SaaS customer. Measured as the blocks the file
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

  /**
   * A record of a customer is 4 bytes longer: 24 bytes on disk with Chronicle's header. Two journals of
   * the same record count, one of records of no customer (written through the customer-aware append
   * with customer 0, which must stay 20 bytes) and one of records of a customer, are measured as above;
   * their difference is the customer id alone, and the hour's header and index pages, the same for both,
   * are taken out of the per-record figure as the first journal shows them.
   */
  @Test
  void aRecordOfACustomerTakes24BytesOnDiskAndARecordOfNoneStill20() throws Exception {
    long none = fill(temp.resolve("none"), false);
    long customer = fill(temp.resolve("customer"), true);
    double overheadPerRecord = (none - 20.0 * RECORDS) / RECORDS;
    double customerRecord = (double) customer / RECORDS - overheadPerRecord;
    System.out.printf("record size: %d records of no customer allocated %d bytes (%.2f/record), of a customer"
        + " %d bytes (%.2f/record); hour header and index %.2f/record; a customer record alone %.2f bytes%n",
        RECORDS, none, (double) none / RECORDS, customer, (double) customer / RECORDS, overheadPerRecord,
        customerRecord);
    assertThat(RecordCodec.CUSTOMER_PAYLOAD_BYTES + RecordCodec.HEADER_BYTES).isEqualTo(24);
    assertThat(none).as("records of no customer, their own bytes").isGreaterThanOrEqualTo(20L * RECORDS);
    assertThat((double) none / RECORDS).as("a record of no customer, amortized").isLessThanOrEqualTo(20.5);
    assertThat(customer).as("records of a customer, their own bytes").isGreaterThanOrEqualTo(24L * RECORDS);
    // One 4 KiB block of slack either way over 2.4 MB is 0.04 bytes a record.
    assertThat(customerRecord).as("a record of a customer").isBetween(23.9, 24.1);
  }

  /** Appends {@link #RECORDS} records through the customer-aware append; the hour's allocated bytes. */
  private long fill(Path directory, boolean withCustomer) throws Exception {
    try (ChronicleUsageJournal journal = ChronicleUsageJournal.open(new JournalSettings(directory,
        MutableClock.atHour(HOUR), 0, FreeSpaceProbe.fileSystem()))) {
      int users = journal.dimensionId("users");
      int customer = withCustomer ? journal.customerId("id:customer-1") : 0;
      for (int i = 0; i < RECORDS; i++) {
        assertThat(journal.append(users, customer, i, i % 5)).isTrue();
      }
      assertThat(JournalTesting.readAll(journal, 0)).hasSize(RECORDS)
          .allSatisfy(r -> assertThat(r.customerId()).isEqualTo(customer));
    }
    return allocatedBytes(directory.resolve(CycleFiles.fileName(HOUR)));
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
