package io.hourmeter.benchmarks;

import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import io.hourmeter.MeterBuilder;
import io.hourmeter.journal.internal.RawJournalQueue;
import io.hourmeter.journal.internal.RecordCodec;
import io.hourmeter.spi.FreeSpaceProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The 1-thread ratio of {@code record()} on a handle to a raw Chronicle append of the same bytes, and
 * of {@code record(String, long)} to the handle, measured as paired blocks on one thread: a block of
 * {@link #BLOCK} calls of each kind, in alternating order, over and over. Each pair of blocks runs
 * within a few milliseconds, so a change in the machine's load hits both sides of a ratio alike;
 * JMH's separate runs of each benchmark, seconds or minutes apart, cannot offer that on a shared
 * machine. The meter runs as in production (drainer thread on); the raw queue is a
 * {@link RawJournalQueue}, configured as the journal configures its own. The first
 * {@code warmupSeconds} are discarded.
 *
 * <p>Usage: {@code PairedRatioProbe <warmupSeconds> <measureSeconds> <output.jsonl> [options]}. Diagnostic
 * options: {@code drainer-off}, the meter's drainer thread does not run; {@code cached-store}, the meter's
 * free-space probe resolves the journal's FileStore once instead of on every sample (the default probe
 * calls {@code Files.getFileStore}, which re-reads the mount table, each time); {@code raw-tailer}, a
 * thread tails the raw queue as the drainer tails the journal (reading every record, idling from
 * 100 µs to 50 ms when it has caught up), so that the baseline pays for a live reader too;
 * {@code interval=<ms>}, the meter's {@code drainInterval} (the drainer's cadence; default the builder's).
 */
public final class PairedRatioProbe {
  static final int BLOCK = 10_000;

  private PairedRatioProbe() { }

  public static void main(String[] args) {
    List<String> options = List.of(args).subList(Math.min(3, args.length), args.length);
    Long intervalMillis = null;
    for (String option : options) {
      if (option.startsWith("interval=")) {
        intervalMillis = Long.parseLong(option.substring("interval=".length()));
      }
    }
    if (args.length < 3 || !options.stream().allMatch(o -> o.startsWith("interval=")
        || Set.of("drainer-off", "cached-store", "raw-tailer").contains(o))) {
      System.err.println("usage: PairedRatioProbe <warmupSeconds> <measureSeconds> <output.jsonl> "
          + "[drainer-off] [cached-store] [raw-tailer] [interval=<ms>]");
      System.exit(2);
    }
    long warmupNanos = (long) (Double.parseDouble(args[0]) * 1e9);
    long measureNanos = (long) (Double.parseDouble(args[1]) * 1e9);
    Path output = Path.of(args[2]);
    boolean drainer = !options.contains("drainer-off");
    boolean cachedStore = options.contains("cached-store");
    boolean rawTailer = options.contains("raw-tailer");
    Path meterDirectory = BenchDirectories.create("paired-meter");
    Path rawDirectory = BenchDirectories.create("paired-raw");
    MeterBuilder builder = MeterFixture.builder(meterDirectory, InstantSource.system(),
        MeterFixture.acceptingSubmitter()).drainerThread(drainer);
    if (cachedStore) {
      builder.freeSpaceProbe(cachedFileStore(meterDirectory));
    }
    if (intervalMillis != null) {
      builder.drainInterval(java.time.Duration.ofMillis(intervalMillis));
    }
    try (Meter meter = builder.build();
         ChronicleQueue queue = RawJournalQueue.open(rawDirectory);
         ExcerptAppender appender = queue.createAppender()) {
      Dimension users = meter.dimension(MeterFixture.USERS);
      Thread tailer = rawTailer ? startTailer(queue) : null;
      run(meter, users, appender, warmupNanos);
      String line = run(meter, users, appender, measureNanos).toJson(drainer, cachedStore, rawTailer,
          intervalMillis == null ? -1 : intervalMillis);
      System.out.println(line);
      append(output, line);
      if (tailer != null) {
        tailer.interrupt();
        tailer.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      BenchDirectories.delete(meterDirectory);
      BenchDirectories.delete(rawDirectory);
    }
  }

  /** Per-call nanoseconds of each block, and their per-pair ratios. */
  record Pairs(double[] handle, double[] raw, double[] byName) {

    /** @param intervalMillis the drainInterval set, or -1 for the builder's default */
    String toJson(boolean drainer, boolean cachedStore, boolean rawTailer, long intervalMillis) {
      double[] handleToRaw = new double[handle.length];
      double[] byNameToHandle = new double[handle.length];
      for (int i = 0; i < handle.length; i++) {
        handleToRaw[i] = handle[i] / raw[i];
        byNameToHandle[i] = byName[i] / handle[i];
      }
      return String.format(Locale.ROOT, "{\"drainer\":%b,\"cachedStore\":%b,\"rawTailer\":%b,"
              + "\"drainIntervalMillis\":%d,\"pairs\":%d,\"block\":%d,\"handleNs\":%.2f,\"rawNs\":%.2f,"
              + "\"byNameNs\":%.2f,\"handleToRaw\":%.4f,\"handleToRawP25\":%.4f,\"handleToRawP75\":%.4f,"
              + "\"byNameToHandle\":%.4f,\"byNameToHandleP25\":%.4f,\"byNameToHandleP75\":%.4f}",
          drainer, cachedStore, rawTailer, intervalMillis, handle.length, BLOCK, quantile(handle, 0.5), quantile(raw, 0.5), quantile(byName, 0.5),
          quantile(handleToRaw, 0.5), quantile(handleToRaw, 0.25), quantile(handleToRaw, 0.75),
          quantile(byNameToHandle, 0.5), quantile(byNameToHandle, 0.25), quantile(byNameToHandle, 0.75));
    }
  }

  static Pairs run(Meter meter, Dimension users, ExcerptAppender appender, long nanos) {
    int capacity = 1024;
    double[] handle = new double[capacity];
    double[] raw = new double[capacity];
    double[] byName = new double[capacity];
    int n = 0;
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      if (n == capacity) {
        capacity *= 2;
        handle = Arrays.copyOf(handle, capacity);
        raw = Arrays.copyOf(raw, capacity);
        byName = Arrays.copyOf(byName, capacity);
      }
      if ((n & 1) == 0) {
        handle[n] = handleBlock(users);
        raw[n] = rawBlock(appender);
        byName[n] = byNameBlock(meter);
      } else {
        byName[n] = byNameBlock(meter);
        raw[n] = rawBlock(appender);
        handle[n] = handleBlock(users);
      }
      n++;
    }
    return new Pairs(Arrays.copyOf(handle, n), Arrays.copyOf(raw, n), Arrays.copyOf(byName, n));
  }

  static double handleBlock(Dimension users) {
    long start = System.nanoTime();
    for (int i = 0; i < BLOCK; i++) {
      if (!users.record(1)) {
        throw new IllegalStateException("record() was refused");
      }
    }
    return (System.nanoTime() - start) / (double) BLOCK;
  }

  static double byNameBlock(Meter meter) {
    long start = System.nanoTime();
    for (int i = 0; i < BLOCK; i++) {
      if (!meter.record(MeterFixture.USERS, 1)) {
        throw new IllegalStateException("record() was refused");
      }
    }
    return (System.nanoTime() - start) / (double) BLOCK;
  }

  static double rawBlock(ExcerptAppender appender) {
    long start = System.nanoTime();
    for (int i = 0; i < BLOCK; i++) {
      RecordCodec.appendRaw(appender, BaselineBenchmark.DIMENSION_ID, 1, BaselineBenchmark.TAG_SET_ID);
    }
    return (System.nanoTime() - start) / (double) BLOCK;
  }

  /** A thread that reads and sums every record of the raw queue, idling as the drainer's runner does. */
  static Thread startTailer(ChronicleQueue queue) {
    Thread thread = new Thread(() -> {
      long sum = 0;
      long idle = 100_000;
      try (ExcerptTailer tailer = queue.createTailer()) {
        while (!Thread.currentThread().isInterrupted()) {
          int read = 0;
          while (read < 4096) {
            try (DocumentContext dc = tailer.readingDocument()) {
              if (!dc.isPresent()) {
                break;
              }
              Bytes<?> bytes = dc.wire().bytes();
              bytes.readInt();
              sum += bytes.readLong();
              bytes.readInt();
              read++;
            }
          }
          if (read > 0) {
            idle = 100_000;
          } else {
            LockSupport.parkNanos(idle);
            idle = Math.min(50_000_000, idle * 2);
          }
        }
      }
      if (sum < 0) {
        System.out.println(sum);
      }
    }, "raw-tailer");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** A free-space probe that resolves the FileStore once: the change proposed for the default probe. */
  static FreeSpaceProbe cachedFileStore(Path directory) {
    try {
      FileStore store = Files.getFileStore(directory);
      return ignored -> {
        try {
          return store.getUsableSpace();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static double quantile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }

  /** Appends one line to a results file. */
  static void append(Path output, String line) {
    try {
      Files.writeString(output, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + output, e);
    }
  }
}
