package io.hourmeter.benchmarks;

import io.hourmeter.journal.ChronicleUsageJournal;
import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of customers in the Chronicle journal (SaaS), on a directory that already holds
 * {@code existing} customers and as many dimensions:
 * <ul>
 *   <li>{@code newCustomerFirstRecord}: the first record of a customer never seen: {@code customerId}
 *       of a new key (the cross-process lock, the tail read, one append and one sync of the customer
 *       registry) and the 24-byte append. Every call registers one more customer, so the registry grows
 *       through the run; the cost must not grow with it.</li>
 *   <li>{@code newDimensionId}: a new dimension id. The committed results (benchmarks/README.md,
 *       "Customers") measured the old {@code DimensionRegistry}, which reread its whole file for every
 *       new id: the cost the customer registry was built to avoid. Since then dimensions use the same
 *       registry as customers, and this measures that.</li>
 *   <li>{@code appendAndSyncALine}: the floor under both: one line of the same size appended to a plain
 *       file and synced, as the registry syncs ({@code fdatasync}).</li>
 *   <li>{@code knownCustomerLookup}: {@code customerId} of a key already registered: a map lookup.</li>
 *   <li>{@code knownCustomerRecord}, {@code customerAppend}, {@code hourlyAppend}: lookup and append of
 *       a known customer; the 24-byte customer append alone; the 20-byte append of no customer, as the
 *       hourly and AgentCore meters journal (the same code path as before customers existed).</li>
 * </ul>
 * Both registries' files are written directly before the journal opens (the same lines the registries
 * write), so that set-up does not take {@code existing} syncs. Keys are as long as real
 * {@code Buyer#key()}s built on a LicenseArn (about 110 characters).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Threads(1)
public class CustomerRegistryBenchmark {
  static final String KEY_PREFIX = "acct:123456789012:arn:aws:license-manager::294406891311:license/l-";

  @State(Scope.Benchmark)
  public static class Journal {
    @Param({"10000", "100000"})
    int existing;

    Path directory;
    ChronicleUsageJournal journal;
    int dimension;
    int knownCustomer;
    String[] knownKeys;
    long next;

    @Setup(Level.Trial)
    public void open() {
      directory = BenchDirectories.create("customers");
      knownKeys = new String[existing];
      try (Writer customers = Files.newBufferedWriter(directory.resolve("customers.txt"), StandardCharsets.UTF_8);
           Writer dimensions = Files.newBufferedWriter(directory.resolve("dimensions.txt"), StandardCharsets.UTF_8)) {
        for (int i = 0; i < existing; i++) {
          knownKeys[i] = key("existing-", i);
          customers.write((i + 1) + "\t" + knownKeys[i] + "\n");
          dimensions.write((i + 1) + "\tdimension-" + i + "\n");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      journal = ChronicleUsageJournal.open(new JournalSettings(directory, InstantSource.system(), 0,
          FreeSpaceProbe.fileSystem()));
      dimension = journal.dimensionId("dimension-0");
      knownCustomer = journal.customerId(knownKeys[existing / 2]);
    }

    @TearDown(Level.Trial)
    public void close() {
      journal.close();
      BenchDirectories.delete(directory);
    }

    static String key(String kind, long n) {
      return KEY_PREFIX + kind + Long.toHexString(n) + "-0123456789abcdef0123456789abcdef";
    }
  }

  /** A plain file that gets one line like a registry entry appended and synced per call: the floor. */
  @State(Scope.Benchmark)
  public static class SyncedFile {
    Path directory;
    FileChannel channel;
    final ByteBuffer line = ByteBuffer.wrap(("100001\t" + Journal.key("new-", 100_001) + "\n")
        .getBytes(StandardCharsets.UTF_8));
    long position;

    @Setup(Level.Trial)
    public void open() throws IOException {
      directory = BenchDirectories.create("sync");
      channel = FileChannel.open(directory.resolve("lines.txt"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      channel.close();
      BenchDirectories.delete(directory);
    }
  }

  /** Not final, so the JIT cannot fold it. */
  @State(Scope.Thread)
  public static class Quantity {
    long value = 1;
    int known;
  }

  @Benchmark
  public boolean newCustomerFirstRecord(Journal state, Quantity quantity) {
    int customer = state.journal.customerId(Journal.key("new-", state.next++));
    return state.journal.append(state.dimension, customer, quantity.value, 0);
  }

  /** The floor under a new id: append one line to a file and sync it ({@code fdatasync}), as the registry does. */
  @Benchmark
  public long appendAndSyncALine(SyncedFile file) throws IOException {
    file.line.clear();
    while (file.line.hasRemaining()) {
      file.position += file.channel.write(file.line, file.position);
    }
    file.channel.force(false);
    return file.position;
  }

  @Benchmark
  public int newDimensionId(Journal state) {
    return state.journal.dimensionId("new-dimension-" + state.next++);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public int knownCustomerLookup(Journal state, Quantity quantity) {
    int at = quantity.known++;
    if (quantity.known == state.existing) {
      quantity.known = 0;
    }
    return state.journal.customerId(state.knownKeys[at]);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public boolean knownCustomerRecord(Journal state, Quantity quantity) {
    int at = quantity.known++;
    if (quantity.known == state.existing) {
      quantity.known = 0;
    }
    return state.journal.append(state.dimension, state.journal.customerId(state.knownKeys[at]), quantity.value, 0);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public boolean customerAppend(Journal state, Quantity quantity) {
    return state.journal.append(state.dimension, state.knownCustomer, quantity.value, 0);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public boolean hourlyAppend(Journal state, Quantity quantity) {
    return state.journal.append(state.dimension, quantity.value, 0);
  }
}
