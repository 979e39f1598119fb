package io.hourmeter.benchmarks;

import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code record()} on the real meter: the Chronicle journal found by ServiceLoader, the system clock,
 * and the drainer thread running beside it, as in production. Compare with {@link BaselineBenchmark},
 * which writes the same 16-byte record in the same run.
 *
 * <p>Each record is 1 unit of one dimension. The journal grows by about 20 bytes a call, so a trial
 * writes gigabytes; the directory is deleted after each fork.
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RecordBenchmark {

  /** A meter as in production: its drainer thread reads and sums the journal while the app records. */
  @State(Scope.Benchmark)
  public static class Running {
    final MeterUnderTest it = new MeterUnderTest();

    @Setup(Level.Trial)
    public void open() {
      it.open(true);
    }

    @TearDown(Level.Trial)
    public void close() {
      it.close();
    }
  }

  /**
   * The same meter with its drainer thread off: a diagnostic, not a production setup. JMH's allocation
   * profiler counts every thread of the JVM, so only with the drainer off does gc.alloc.rate.norm show
   * the hot path's own allocation; and on 2 cores it shows what the drainer's CPU costs the caller.
   */
  @State(Scope.Benchmark)
  public static class DrainerOff {
    final MeterUnderTest it = new MeterUnderTest();

    @Setup(Level.Trial)
    public void open() {
      it.open(false);
    }

    @TearDown(Level.Trial)
    public void close() {
      it.close();
    }
  }

  static final class MeterUnderTest {
    Path directory;
    Meter meter;
    Dimension users;
    /** Not final, so the JIT cannot fold them. */
    long quantity = 1;
    String name = MeterFixture.USERS;

    void open(boolean drainerThread) {
      directory = BenchDirectories.create("record");
      meter = MeterFixture.builder(directory, InstantSource.system(), MeterFixture.acceptingSubmitter())
          .drainerThread(drainerThread)
          .build();
      users = meter.dimension(MeterFixture.USERS);
    }

    void close() {
      meter.close();
      BenchDirectories.delete(directory);
    }
  }

  /** The hot path as documented: look the dimension up once, record on the handle. */
  @Benchmark
  @Threads(1)
  public boolean handle(Running meter) {
    return meter.it.users.record(meter.it.quantity);
  }

  /** Two application threads recording on one handle; JMH reports their aggregate throughput. */
  @Benchmark
  @Threads(2)
  public boolean handle2Threads(Running meter) {
    return meter.it.users.record(meter.it.quantity);
  }

  /**
   * Four application threads on one handle, on a 2-core machine: compare with
   * {@code BaselineBenchmark.chronicleAppend4Threads} (one raw queue) and {@code chronicleOwnQueue4Threads}
   * (a raw queue per thread) of the same run.
   */
  @Benchmark
  @Threads(4)
  public boolean handle4Threads(Running meter) {
    return meter.it.users.record(meter.it.quantity);
  }

  /** {@code record(String, long)}: one map lookup more than the handle. */
  @Benchmark
  @Threads(1)
  public boolean byName(Running meter) {
    return meter.it.meter.record(meter.it.name, meter.it.quantity);
  }

  /** The handle with no drainer thread beside it (diagnostic). */
  @Benchmark
  @Threads(1)
  public boolean handleDrainerOff(DrainerOff meter) {
    return meter.it.users.record(meter.it.quantity);
  }
}
