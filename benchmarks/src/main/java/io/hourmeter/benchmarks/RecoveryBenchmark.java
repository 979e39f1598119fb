package io.hourmeter.benchmarks;

import io.hourmeter.Meter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * A restart over a journal of {@code records} unfrozen 1-unit records in the open hour, left by a
 * process whose drainer never read them ({@code journal=unread}) or had summed them
 * ({@code journal=drained}). Each invocation restarts on a fresh copy of that directory
 * (copied untimed; the copy leaves the files in the page cache, as a restart on the same host finds
 * them).
 * <ul>
 *   <li>{@code untilFirstRecord}: from {@code build()} until the first {@code record()} has returned
 *       {@code true}. It must not wait for the rebuild.
 *   <li>{@code untilSumsRebuilt}: from {@code build()} until {@code status()} shows every journaled unit
 *       pending again, i.e. the drainer has re-read the journal and rebuilt its sums.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class RecoveryBenchmark {
  @Param("10000000")
  public long records;

  /**
   * What the previous process left: {@code unread}, records written with the drainer thread off by a
   * meter then closed (before issue 14 its close left them unread, the whole hour to re-read; since, its
   * close reads them and checkpoints the sums: a clean restart); {@code drained}, records its drainer
   * had summed (and, with a checkpoint of sums, checkpointed) before it was halted without closing, as a
   * SIGKILL leaves a directory (issue 14: recovery bounded by the checkpoint, independent of the hour's
   * size). The drained child runs on a running clock (the drainer's checkpoints are spaced on it), and
   * so do the restarts.
   */
  @Param("unread")
  public String journal;

  /** Stopped for {@code unread}; for {@code drained}, running, as the halted child's was (same offset). */
  private InstantSource clock = BenchClock.stoppedInOpenHour();
  private Path template;
  private Path directory;
  private Meter meter;

  @Setup(Level.Trial)
  public void writeTemplate() {
    template = BenchDirectories.create("recovery-template");
    switch (journal) {
      case "unread" -> JournalFill.fillUnread(template, clock, records);
      case "drained" -> {
        long offset = BenchClock.offsetToHalfPast();
        clock = BenchClock.offset(offset);
        JournalFill.fillDrainedThenHalt(template, offset, records);
      }
      default -> throw new IllegalArgumentException("journal must be unread or drained: " + journal);
    }
  }

  @TearDown(Level.Trial)
  public void deleteTemplate() {
    BenchDirectories.delete(template);
  }

  @Setup(Level.Invocation)
  public void copyTemplate() {
    directory = BenchDirectories.create("recovery");
    BenchDirectories.copy(template, directory);
  }

  @TearDown(Level.Invocation)
  public void closeAndDelete() {
    if (meter != null) {
      meter.close();
      meter = null;
    }
    BenchDirectories.delete(directory);
  }

  @Benchmark
  public boolean untilFirstRecord() {
    meter = MeterFixture.builder(directory, clock, MeterFixture.acceptingSubmitter()).build();
    boolean accepted = meter.dimension(MeterFixture.USERS).record(1);
    if (!accepted) {
      throw new IllegalStateException("the first record() after build() was refused");
    }
    return accepted;
  }

  @Benchmark
  public long untilSumsRebuilt() {
    meter = MeterFixture.builder(directory, clock, MeterFixture.acceptingSubmitter()).build();
    long pending;
    while ((pending = MeterFixture.pendingUnits(meter.status())) < records) {
      LockSupport.parkNanos(500_000);
    }
    if (pending != records) {
      throw new IllegalStateException("rebuilt " + pending + " units from a journal of " + records);
    }
    return pending;
  }
}
