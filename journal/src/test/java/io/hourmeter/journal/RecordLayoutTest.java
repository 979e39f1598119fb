package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.hourmeter.journal.internal.RawJournalQueue;
import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.testing.JournalRecord;
import io.hourmeter.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bytes of the two record layouts, pinned here by hand rather than through {@code RecordCodec}, and
 * a directory written before customers existed: it opens, reads unchanged, and takes customers.
 */
class RecordLayoutTest {
  @TempDir
  Path temp;

  @Test
  void aDirectoryWrittenBeforeCustomersOpensReadsUnchangedAndThenTakesCustomerRecords() throws Exception {
    Path directory = temp.resolve("journal");
    long hour = Math.floorDiv(InstantSource.system().millis(), 3_600_000L);
    // What the journal wrote before SaaS: 16-byte payloads, a dimension registry, no customer registry.
    try (SingleChronicleQueue queue = RawJournalQueue.open(directory);
         ExcerptAppender appender = queue.createAppender()) {
      for (int i = 1; i <= 3; i++) {
        try (DocumentContext dc = appender.writingDocument()) {
          Bytes<?> bytes = dc.wire().bytes();
          bytes.writeInt(1);
          bytes.writeLong(100L * i);
          bytes.writeInt(i);
        }
      }
    }
    Files.writeString(directory.resolve(IdRegistry.DIMENSIONS), "1\tusers\n", StandardCharsets.UTF_8);

    try (ChronicleUsageJournal journal = ChronicleUsageJournal.open(new JournalSettings(directory,
        MutableClock.atHour(hour), 0, FreeSpaceProbe.fileSystem()))) {
      assertThat(JournalTesting.readAll(journal, 0)).extracting(JournalRecord::dimensionId,
          JournalRecord::customerId, JournalRecord::quantity, JournalRecord::tagSetId)
          .containsExactly(tuple(1, 0, 100L, 1), tuple(1, 0, 200L, 2), tuple(1, 0, 300L, 3));
      assertThat(journal.dimensionId("users")).isEqualTo(1);
      assertThat(journal.customers(0)).isEmpty();
      int customer = journal.customerId("id:first-customer");
      assertThat(customer).isEqualTo(1);
      assertThat(journal.append(1, customer, 400, 4)).isTrue();
      assertThat(journal.append(1, 0, 500, 5)).isTrue();
      assertThat(journal.append(1, 600, 6)).isTrue();
      assertThat(JournalTesting.readAll(journal, 0)).extracting(JournalRecord::customerId, JournalRecord::quantity)
          .containsExactly(tuple(0, 100L), tuple(0, 200L), tuple(0, 300L), tuple(1, 400L), tuple(0, 500L),
              tuple(0, 600L));
    }

    List<String> payloads = new ArrayList<>();
    try (SingleChronicleQueue queue = RawJournalQueue.open(directory);
         ExcerptTailer tailer = queue.createTailer()) {
      while (true) {
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent()) {
            break;
          }
          Bytes<?> bytes = dc.wire().bytes();
          long length = bytes.readRemaining();
          payloads.add(length == 16
              ? length + ":" + bytes.readInt() + "," + bytes.readLong() + "," + bytes.readInt()
              : length + ":" + bytes.readInt() + "," + bytes.readInt() + "," + bytes.readLong() + "," + bytes.readInt());
        }
      }
    }
    assertThat(payloads).containsExactly("16:1,100,1", "16:1,200,2", "16:1,300,3", "20:1,1,400,4",
        "16:1,500,5", "16:1,600,6");
  }
}
