package io.hourmeter.benchmarks;

import io.hourmeter.journal.internal.RawJournalQueue;
import io.hourmeter.journal.internal.RecordCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
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
 * The baselines {@link RecordBenchmark} is judged against, each writing what one {@code record()}
 * journals: a dimension id (int), a quantity (long) and a tag-set id (int), 16 bytes.
 * <ul>
 *   <li>{@code chronicleAppend}: a raw Chronicle Queue append of those 16 bytes with the journal's own
 *       codec ({@link RecordCodec#appendRaw}) on a {@link RawJournalQueue} (the journal's roll cycle and
 *       block size), one appender per thread: what the journal costs without Hourmeter's guards, clock and thread-local lookup.
 *   <li>{@code chronicleOwnQueue2Threads}, {@code chronicleOwnQueue4Threads}: the same append, each thread
 *       to a queue of its own in a directory of its own: no lock shared between threads, the physical
 *       baseline of a striped journal (issue 14). With one thread it is {@code chronicleAppend}.
 *   <li>{@code longAdder}: {@link LongAdder#add}, in memory and not durable: what a Micrometer-style
 *       counter costs.
 *   <li>{@code mappedPutLong}: claim 16 bytes with an atomic add, write the header, publish the quantity
 *       with a release store into a pre-touched {@link MappedByteBuffer} ring: the rough physical floor
 *       of a durable, multi-writer store.
 * </ul>
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class BaselineBenchmark {
  static final int DIMENSION_ID = 1;
  static final int TAG_SET_ID = 0;

  /** One queue shared by the benchmark's threads, as one journal directory is. */
  @State(Scope.Benchmark)
  public static class Queue {
    Path directory;
    ChronicleQueue queue;

    @Setup(Level.Trial)
    public void open() {
      directory = BenchDirectories.create("chronicle");
      queue = RawJournalQueue.open(directory);
    }

    @TearDown(Level.Trial)
    public void close() {
      queue.close();
      BenchDirectories.delete(directory);
    }
  }

  /** Appenders are bound to the thread that created them, so each benchmark thread has its own. */
  @State(Scope.Thread)
  public static class Appender {
    ExcerptAppender appender;

    @Setup(Level.Trial)
    public void create(Queue queue) {
      appender = queue.queue.createAppender();
    }

    @TearDown(Level.Trial)
    public void close() {
      appender.close();
    }
  }

  /** A queue in a directory of its own for each benchmark thread, and that thread's appender on it. */
  @State(Scope.Thread)
  public static class OwnQueue {
    Path directory;
    ChronicleQueue queue;
    ExcerptAppender appender;

    @Setup(Level.Trial)
    public void open() {
      directory = BenchDirectories.create("chronicle-own");
      queue = RawJournalQueue.open(directory);
      appender = queue.createAppender();
    }

    @TearDown(Level.Trial)
    public void close() {
      appender.close();
      queue.close();
      BenchDirectories.delete(directory);
    }
  }

  @State(Scope.Benchmark)
  public static class Adder {
    final LongAdder adder = new LongAdder();
  }

  /** A 64 MiB ring in a mapped file, touched once at setup so that the benchmark sees no page faults. */
  @State(Scope.Benchmark)
  public static class MappedRing {
    static final int RECORD = 16;
    static final int SIZE = 64 << 20;
    static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    Path directory;
    FileChannel channel;
    MappedByteBuffer buffer;
    final AtomicLong cursor = new AtomicLong();

    @Setup(Level.Trial)
    public void map() {
      directory = BenchDirectories.create("mapped");
      try {
        channel = FileChannel.open(directory.resolve("ring"), StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (int at = 0; at < SIZE; at += 4096) {
        buffer.put(at, (byte) 0);
      }
    }

    @TearDown(Level.Trial)
    public void unmap() throws IOException {
      channel.close();
      buffer = null;
      BenchDirectories.delete(directory);
    }
  }

  /** Not final, so the JIT cannot fold it. */
  @State(Scope.Thread)
  public static class Quantity {
    long value = 1;
  }

  @Benchmark
  @Threads(1)
  public void chronicleAppend(Appender appender, Quantity quantity) {
    appendRecord(appender.appender, quantity.value);
  }

  @Benchmark
  @Threads(2)
  public void chronicleAppend2Threads(Appender appender, Quantity quantity) {
    appendRecord(appender.appender, quantity.value);
  }

  /** Four threads sharing one queue's write lock, as four threads of one process share a one-queue journal. */
  @Benchmark
  @Threads(4)
  public void chronicleAppend4Threads(Appender appender, Quantity quantity) {
    appendRecord(appender.appender, quantity.value);
  }

  @Benchmark
  @Threads(2)
  public void chronicleOwnQueue2Threads(OwnQueue queue, Quantity quantity) {
    appendRecord(queue.appender, quantity.value);
  }

  @Benchmark
  @Threads(4)
  public void chronicleOwnQueue4Threads(OwnQueue queue, Quantity quantity) {
    appendRecord(queue.appender, quantity.value);
  }

  @Benchmark
  @Threads(1)
  public void longAdder(Adder adder, Quantity quantity) {
    adder.adder.add(quantity.value);
  }

  @Benchmark
  @Threads(2)
  public void longAdder2Threads(Adder adder, Quantity quantity) {
    adder.adder.add(quantity.value);
  }

  @Benchmark
  @Threads(1)
  public void mappedPutLong(MappedRing ring, Quantity quantity) {
    putRecord(ring, quantity.value);
  }

  @Benchmark
  @Threads(2)
  public void mappedPutLong2Threads(MappedRing ring, Quantity quantity) {
    putRecord(ring, quantity.value);
  }

  private static void appendRecord(ExcerptAppender appender, long quantity) {
    RecordCodec.appendRaw(appender, DIMENSION_ID, quantity, TAG_SET_ID);
  }

  private static void putRecord(MappedRing ring, long quantity) {
    int at = (int) (ring.cursor.getAndAdd(MappedRing.RECORD) & (MappedRing.SIZE - 1));
    MappedRing.LONGS.set(ring.buffer, at, ((long) DIMENSION_ID << 32) | TAG_SET_ID);
    MappedRing.LONGS.setRelease(ring.buffer, at + 8, quantity);
  }
}
