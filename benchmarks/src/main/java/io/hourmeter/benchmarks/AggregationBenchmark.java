package io.hourmeter.benchmarks;

import io.hourmeter.Meter;
import io.hourmeter.internal.DefaultMeter;
import io.hourmeter.internal.drain.Drainer;
import io.hourmeter.journal.internal.RecordCodec;
import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.JournalVisitor;
import io.hourmeter.spi.StorageProvider;
import io.hourmeter.spi.UsageJournal;
import java.nio.file.Path;
import java.time.InstantSource;
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
 * Reads a journal of {@code records} unfrozen 1-unit records in the open hour and sums them.
 * Records per second = {@code records} / the single-shot time.
 * <ul>
 *   <li>{@code drainer}: the drainer's own code path ({@code Drainer.doWork()}, reached through the
 *       internal {@code DefaultMeter.drainer()}, driven on the benchmark thread with no idle waits):
 *       take the directory lock, load the ledger, then read and sum batch by batch until
 *       {@code status()} shows every unit pending. The meter is built on a fresh copy of the journal
 *       before each invocation, untimed.
 *   <li>{@code journalReader}: the floor under it, the journal's {@code JournalReader} with the
 *       cheapest summing (arrays by dimension id);
 *   <li>{@code rawTailer}: the floor under that, a plain Chronicle tailer decoding the same 16 bytes.
 * </ul>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class AggregationBenchmark {
  static final int BATCH = 4096;

  /** The journal every invocation reads, written once per fork through the real meter. */
  @State(Scope.Benchmark)
  public static class Journal {
    @Param("10000000")
    public long records;

    /**
     * Threads that wrote the journal at the same time (issue 14: {@code writers=4} spreads the records
     * over 4 stripes of a striped journal; on a one-queue journal they interleave in one queue).
     */
    @Param("1")
    public int writers;

    final InstantSource clock = BenchClock.stoppedInOpenHour();
    Path directory;
    UsageJournal journal;
    ChronicleQueue queue;

    @Setup(Level.Trial)
    public void write() {
      directory = BenchDirectories.create("aggregation");
      JournalFill.fillUnread(directory, clock, records, writers);
      StorageProvider storage = ServiceLoader.load(StorageProvider.class).findFirst()
          .orElseThrow(() -> new IllegalStateException("no StorageProvider on the class path"));
      journal = storage.openJournal(new JournalSettings(directory, clock, 0, FreeSpaceProbe.fileSystem()));
      queue = SingleChronicleQueueBuilder.binary(directory.toFile())
          .rollCycle(RollCycles.FAST_HOURLY)
          .readOnly(true)
          .build();
    }

    @TearDown(Level.Trial)
    public void delete() {
      queue.close();
      journal.close();
      BenchDirectories.delete(directory);
    }
  }

  /** A meter with no drainer thread on a fresh copy of the journal, so the benchmark drives its drainer. */
  @State(Scope.Benchmark)
  public static class DrainerOnCopy {
    Path directory;
    Meter meter;
    Drainer drainer;

    @Setup(Level.Invocation)
    public void open(Journal journal) {
      directory = BenchDirectories.create("aggregation-copy");
      BenchDirectories.copy(journal.directory, directory);
      meter = MeterFixture.builder(directory, journal.clock, MeterFixture.acceptingSubmitter())
          .drainerThread(false)
          .build();
      drainer = ((DefaultMeter) meter).drainer();
    }

    @TearDown(Level.Invocation)
    public void close() {
      meter.close();
      BenchDirectories.delete(directory);
    }
  }

  @Benchmark
  public long drainer(Journal journal, DrainerOnCopy copy) {
    return MeterFixture.drainUntilPending(copy.drainer, copy.meter, journal.records);
  }

  @Benchmark
  public long journalReader(Journal journal) {
    SumsById sums = new SumsById();
    long read = 0;
    try (JournalReader reader = journal.journal.reader(0)) {
      int n;
      while ((n = reader.read(sums, BATCH)) > 0) {
        read += n;
      }
    }
    if (read != journal.records || sums.total() != journal.records) {
      throw new IllegalStateException("read " + read + " records summing to " + sums.total() + " of "
          + journal.records);
    }
    return sums.total();
  }

  @Benchmark
  public long rawTailer(Journal journal) {
    long[] sums = new long[32];
    long read = 0;
    try (ExcerptTailer tailer = journal.queue.createTailer()) {
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
    if (read != journal.records) {
      throw new IllegalStateException("read " + read + " of " + journal.records + " records");
    }
    return sums[1] + sums[2];
  }

  /** The cheapest summing: one hour, so an array by dimension id, refusing to wrap. */
  static final class SumsById implements JournalVisitor {
    private final long[] sums = new long[32];

    @Override
    public void onRecord(long position, long epochHour, int dimensionId, int customerId, long quantity, int tagSetId) {
      sums[dimensionId] = Math.addExact(sums[dimensionId], quantity);
    }

    long total() {
      long total = 0;
      for (long sum : sums) {
        total += sum;
      }
      return total;
    }
  }
}
