package io.hourmeter.benchmarks;

import io.hourmeter.spi.ReportLedger;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
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
 * The report ledger at SaaS scale ({@link LedgerReports}: ~300-character reports, each put FROZEN and
 * then ACCEPTED).
 * <ul>
 *   <li>{@code startup}: open the ledger of {@code live} reports as its writer, {@code load()} it and
 *       close it: what a restart of the drainer pays before it can work. The directory is reopened as it
 *       is (its files in the page cache, as a restart on the same host finds them).
 *   <li>{@code commit}: one commit that puts {@code batch} new reports and removes the {@code batch}
 *       oldest, on a ledger that holds {@code live} reports throughout: the steady state of a SaaS
 *       drainer under retention, compaction included. Divide by {@code batch} for the cost per report.
 *       At the end of each trial the fork prints the ledger's disk bytes per live report.
 * </ul>
 */
@State(Scope.Benchmark)
@Fork(1)
public class LedgerBenchmark {

  /** A filled ledger directory, reopened by every invocation. */
  @State(Scope.Benchmark)
  public static class Filled {
    @Param("1000000")
    public long live;

    Path directory;

    @Setup(Level.Trial)
    public void fill() {
      directory = BenchDirectories.create("ledger-startup");
      try (ReportLedger ledger = LedgerReports.open(directory)) {
        LedgerReports.fill(ledger, 0, live);
        System.out.printf("%nfilled: %d live reports, %d disk bytes, %.1f bytes per live report%n",
            live, ledger.diskBytes(), (double) ledger.diskBytes() / live);
      }
    }

    @TearDown(Level.Trial)
    public void delete() {
      BenchDirectories.delete(directory);
    }
  }

  /** A ledger open as writer, kept at {@code live} reports by removing as many as each commit adds. */
  @State(Scope.Benchmark)
  public static class Steady {
    @Param({"25", "1000"})
    public int batch;

    @Param("200000")
    public long liveForCommits;

    Path directory;
    ReportLedger ledger;
    long oldest;
    long next;

    @Setup(Level.Trial)
    public void fill() {
      directory = BenchDirectories.create("ledger-commit");
      ledger = LedgerReports.open(directory);
      LedgerReports.fill(ledger, 0, liveForCommits);
      oldest = 0;
      next = liveForCommits;
    }

    @TearDown(Level.Trial)
    public void closeAndDelete() {
      System.out.printf("%nsteady: %d live reports after %d commits, %d disk bytes, %.1f bytes per live report%n",
          next - oldest, (next - liveForCommits) / batch, ledger.diskBytes(),
          (double) ledger.diskBytes() / (next - oldest));
      ledger.close();
      BenchDirectories.delete(directory);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 5)
  public int startup(Filled filled) {
    try (ReportLedger ledger = LedgerReports.open(filled.directory)) {
      int size = ledger.load().size();
      if (size != filled.live) {
        throw new IllegalStateException("loaded " + size + " of " + filled.live + " reports");
      }
      return size;
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 1, time = 5)
  @Measurement(iterations = 3, time = 10)
  public long commit(Steady steady) {
    Map<String, String> puts = LedgerReports.puts(steady.next, steady.next + steady.batch, "FROZEN");
    Set<String> removes = LedgerReports.keys(steady.oldest, steady.oldest + steady.batch);
    steady.ledger.commit(puts, removes);
    steady.next += steady.batch;
    steady.oldest += steady.batch;
    return steady.next;
  }
}
