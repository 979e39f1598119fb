package io.hourmeter.journal;

import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A child JVM that records from several threads through {@link ChronicleUsageJournal#append}. Each
 * thread appends {@code quantity = sequence} with {@code tagSetId = run * 64 + thread + 1}, and after
 * an append returns {@code true} writes {@code sequence + 1} into its own memory-mapped log, which
 * survives SIGKILL of this process. So the log never claims an append that had not returned.
 *
 * <p>Arguments: directory, run, threads, records per thread (0 = until killed), log directory, start
 * hour, clock speed (journal hours per real second; 0 for a clock that stays at the start hour), and
 * whether to throttle (true: about 50,000 appends a second per thread).
 */
public final class RecordingChild {
  static final int MAX_RECORDS_PER_THREAD = 2_000_000;
  /** A throttled thread parks after this many appends, to keep a crash run's journal small. */
  private static final int THROTTLE_EVERY = 4;

  private RecordingChild() { }

  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    int run = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    int perThread = Integer.parseInt(args[3]);
    Path logs = Path.of(args[4]);
    long startHour = Long.parseLong(args[5]);
    long hoursPerSecond = Long.parseLong(args[6]);
    boolean throttle = Boolean.parseBoolean(args[7]);
    InstantSource clock = speedClock(startHour, hoursPerSecond);

    ChronicleUsageJournal journal = ChronicleUsageJournal.open(
        new JournalSettings(directory, clock, 1 << 20, FreeSpaceProbe.fileSystem()));
    int users = journal.dimensionId("users");
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int tag = tagOf(run, t);
      MappedByteBuffer log = mapLog(logs.resolve(logName(run, t)));
      Thread worker = new Thread(() -> record(journal, users, tag, perThread, log, throttle), "recorder-" + t);
      workers.add(worker);
      worker.start();
    }
    System.out.println("READY");
    System.out.flush();
    for (Thread worker : workers) {
      worker.join();
    }
    journal.close();
    System.out.println("DONE");
    System.out.flush();
  }

  private static void record(ChronicleUsageJournal journal, int dimension, int tag, int perThread,
      MappedByteBuffer log, boolean throttle) {
    int limit = perThread == 0 ? MAX_RECORDS_PER_THREAD : perThread;
    for (int sequence = 0; sequence < limit; ) {
      if (journal.append(dimension, sequence, tag)) {
        log.putLong(sequence * 8, sequence + 1L);
        sequence++;
        if (throttle && sequence % THROTTLE_EVERY == 0) {
          LockSupport.parkNanos(50_000);
        }
      } else {
        Thread.onSpinWait();
      }
    }
  }

  static int tagOf(int run, int thread) {
    return run * 64 + thread + 1;
  }

  static String logName(int run, int thread) {
    return "run-" + run + "-thread-" + thread + ".log";
  }

  /** A clock at the start of {@code startHour} that runs {@code hoursPerSecond} journal hours a second. */
  static InstantSource speedClock(long startHour, long hoursPerSecond) {
    long startMillis = startHour * 3_600_000L;
    long startNanos = System.nanoTime();
    return new InstantSource() {
      @Override
      public long millis() {
        long elapsedMicros = (System.nanoTime() - startNanos) / 1_000;
        return startMillis + elapsedMicros * hoursPerSecond * 3_600 / 1_000;
      }

      @Override
      public java.time.Instant instant() {
        return java.time.Instant.ofEpochMilli(millis());
      }
    };
  }

  private static MappedByteBuffer mapLog(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      return channel.map(FileChannel.MapMode.READ_WRITE, 0, 8L * MAX_RECORDS_PER_THREAD);
    }
  }
}
