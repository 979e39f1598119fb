package io.hourmeter.benchmarks;

import io.hourmeter.Buyer;
import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import io.hourmeter.MeterBuilder;
import io.hourmeter.MeteringMode;
import io.hourmeter.internal.DefaultMeter;
import io.hourmeter.internal.drain.Drainer;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * The drainer's aggregation in SAAS mode: {@code records} 1-unit records of {@code customers} buyers
 * times 3 dimensions (uniformly drawn), unfrozen in the open hour, read and summed per (buyer,
 * dimension, hour) by {@code Drainer.doWork()} on the benchmark thread until {@code status()} shows
 * every unit pending; the same path as {@link AggregationBenchmark#drainer} for hourly mode, whose
 * figure in the same run is the baseline. Records per second = {@code records} / the single-shot time
 * (target: at least 10 M/s with 10,000 customers x 3 dimensions). The sums live in one map per hour
 * keyed by interned (buyer, dimension) keys, so the heap holds customers x dimensions sums, not records.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class SaasAggregationBenchmark {
  static final String[] DIMENSIONS = {"api_calls", "storage_gb", "seats"};

  /** The journal every invocation reads, written once per fork through a real SAAS meter. */
  @State(Scope.Benchmark)
  public static class Journal {
    @Param("10000000")
    public long records;
    @Param("10000")
    public int customers;

    final InstantSource clock = BenchClock.stoppedInOpenHour();
    Path directory;

    @Setup(Level.Trial)
    public void write() {
      directory = BenchDirectories.create("saas-aggregation");
      try (Meter meter = builder(directory, clock).drainerThread(false).build()) {
        Dimension[] handles = new Dimension[customers * DIMENSIONS.length];
        for (int c = 0; c < customers; c++) {
          var customer = meter.customer(buyer(c));
          for (int d = 0; d < DIMENSIONS.length; d++) {
            handles[c * DIMENSIONS.length + d] = customer.dimension(DIMENSIONS[d]);
          }
        }
        SplittableRandom random = new SplittableRandom(7);
        for (long i = 0; i < records; i++) {
          if (!handles[random.nextInt(handles.length)].record(1)) {
            throw new IllegalStateException("the journal refused record " + i);
          }
        }
      }
    }

    @TearDown(Level.Trial)
    public void delete() {
      BenchDirectories.delete(directory);
    }
  }

  static Buyer buyer(int i) {
    return Buyer.ofAccount(String.format(Locale.ROOT, "%012d", 200_000_000_000L + i));
  }

  static MeterBuilder builder(Path directory, InstantSource clock) {
    return Meter.builder()
        .productCode(MeterFixture.PRODUCT_CODE)
        .dimensions(DIMENSIONS)
        .mode(MeteringMode.SAAS)
        .journalDirectory(directory)
        .clock(clock)
        .submitter(MeterFixture.acceptingBatchSubmitter())
        .minFreeDiskBytes(0);
  }

  /** A SAAS meter with no drainer thread on a fresh copy of the journal. */
  @State(Scope.Benchmark)
  public static class DrainerOnCopy {
    Path directory;
    Meter meter;
    Drainer drainer;

    @Setup(Level.Invocation)
    public void open(Journal journal) {
      directory = BenchDirectories.create("saas-aggregation-copy");
      BenchDirectories.copy(journal.directory, directory);
      meter = builder(directory, journal.clock).drainerThread(false).build();
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
}
