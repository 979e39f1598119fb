package io.hourmeter.benchmarks;

import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.JournalVisitor;
import io.hourmeter.spi.StorageProvider;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.journal.internal.RecordCodec;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reads a journal of {@code records} records from the start and sums them, as the drainer does, to
 * show where the drainer's time goes. The drainer's own aggregation classes are internal to core, so
 * its real code path is measured end to end by {@link RecoveryBenchmark#untilSumsRebuilt} (a restart
 * re-reads and sums the whole journal); these two are its floors:
 * <ul>
 *   <li>{@code journalReader}: the journal's {@code JournalReader} (what the drainer reads with), summing
 *       per (hour, dimension id) into arrays;
 *   <li>{@code rawTailer}: a plain Chronicle tailer over the same files, decoding the same 16 bytes.
 * </ul>
 * Records per second = {@code records} / the single-shot time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class AggregationBenchmark {
  static final int BATCH = 4096;

  @Param("10000000")
  public long records;

  private Path directory;
  private UsageJournal journal;
  private ChronicleQueue queue;

  @Setup(Level.Trial)
  public void writeJournal() {
    directory = BenchDirectories.create("aggregation");
    InstantSource clock = BenchClock.stoppedInOpenHour();
    JournalFill.fillUnread(directory, clock, records);
    StorageProvider storage = ServiceLoader.load(StorageProvider.class).findFirst()
        .orElseThrow(() -> new IllegalStateException("no StorageProvider on the class path"));
    journal = storage.openJournal(new JournalSettings(directory, clock, 0, FreeSpaceProbe.fileSystem()));
    queue = SingleChronicleQueueBuilder.binary(directory.toFile())
        .rollCycle(RollCycles.FAST_HOURLY)
        .readOnly(true)
        .build();
  }

  @TearDown(Level.Trial)
  public void deleteJournal() {
    queue.close();
    journal.close();
    BenchDirectories.delete(directory);
  }

  @Benchmark
  public long rawTailer() {
    long[] sums = new long[32];
    long read = 0;
    try (ExcerptTailer tailer = queue.createTailer()) {
      while (true) {
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent()) {
            break;
          }
          Bytes<?> bytes = dc.wire().bytes();
          if (bytes.readRemaining() != RecordCodec.PAYLOAD_BYTES) {
            continue;
          }
          int dimensionId = bytes.readInt();
          long quantity = bytes.readLong();
          bytes.readInt();
          sums[dimensionId] = Math.addExact(sums[dimensionId], quantity);
          read++;
        }
      }
    }
    if (read != records) {
      throw new IllegalStateException("read " + read + " of " + records + " records");
    }
    return sums[1] + sums[2];
  }

  @Benchmark
  public long journalReader() {
    SumsByHour sums = new SumsByHour();
    long read = 0;
    try (JournalReader reader = journal.reader(0)) {
      int n;
      while ((n = reader.read(sums, BATCH)) > 0) {
        read += n;
      }
    }
    if (read != records || sums.total() != records) {
      throw new IllegalStateException("read " + read + " records summing to " + sums.total() + " of "
          + records);
    }
    return sums.total();
  }

  /** Sums per hour and dimension id, refusing to wrap on overflow. */
  static final class SumsByHour implements JournalVisitor {
    private final Map<Long, long[]> byHour = new HashMap<>();
    private long currentHour = Long.MIN_VALUE;
    private long[] current;

    @Override
    public void onRecord(long position, long epochHour, int dimensionId, long quantity, int tagSetId) {
      if (epochHour != currentHour) {
        current = byHour.computeIfAbsent(epochHour, hour -> new long[32]);
        currentHour = epochHour;
      }
      if (dimensionId >= current.length) {
        current = java.util.Arrays.copyOf(current, dimensionId + 1);
        byHour.put(epochHour, current);
      }
      current[dimensionId] = Math.addExact(current[dimensionId], quantity);
    }

    long total() {
      long total = 0;
      for (long[] sums : byHour.values()) {
        for (long sum : sums) {
          total += sum;
        }
      }
      return total;
    }
  }
}
