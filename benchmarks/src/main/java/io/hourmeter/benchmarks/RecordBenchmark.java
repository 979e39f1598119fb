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
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RecordBenchmark {
  private Path directory;
  private Meter meter;
  private Dimension users;
  /** Not final, so the JIT cannot fold it. */
  private long quantity = 1;
  private String name = MeterFixture.USERS;

  @Setup(Level.Trial)
  public void openMeter() {
    directory = BenchDirectories.create("record");
    meter = MeterFixture.builder(directory, InstantSource.system(), MeterFixture.acceptingSubmitter()).build();
    users = meter.dimension(MeterFixture.USERS);
  }

  @TearDown(Level.Trial)
  public void closeMeter() {
    meter.close();
    BenchDirectories.delete(directory);
  }

  /** The hot path as documented: look the dimension up once, record on the handle. */
  @Benchmark
  @Threads(1)
  public boolean handle() {
    return users.record(quantity);
  }

  /** Two application threads recording on one handle; JMH reports their aggregate throughput. */
  @Benchmark
  @Threads(2)
  public boolean handle2Threads() {
    return users.record(quantity);
  }

  /** {@code record(String, long)}: one map lookup more than the handle. */
  @Benchmark
  @Threads(1)
  public boolean byName() {
    return meter.record(name, quantity);
  }
}
