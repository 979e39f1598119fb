package io.hourmeter.benchmarks;

import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import java.nio.file.Path;
import java.time.InstantSource;

/** Writes a journal of many 1-unit records through the real meter, alternating two dimensions. */
public final class JournalFill {
  /** How long a drained child waits, after its drainer has summed everything, before it halts. */
  static final long SETTLE_MILLIS = 3_000;

  private JournalFill() { }

  /**
   * {@code JournalFill drained <directory> <records> <clockOffsetMillis>}: the child JVM of
   * {@link #fillDrainedThenHalt}, on the system clock moved by the offset ({@link BenchClock#offset}). Records with the drainer thread on, waits until status shows every unit
   * pending, then {@link #SETTLE_MILLIS} more (so that a drainer with a cadence has checkpointed its sums),
   * and halts without closing anything, as a SIGKILL would leave the directory.
   */
  public static void main(String[] args) {
    if (args.length != 4 || !args[0].equals("drained")) {
      System.err.println("usage: JournalFill drained <directory> <records> <clockOffsetMillis>");
      System.exit(2);
    }
    Path directory = Path.of(args[1]);
    long records = Long.parseLong(args[2]);
    InstantSource clock = BenchClock.offset(Long.parseLong(args[3]));
    Meter meter = MeterFixture.builder(directory, clock, MeterFixture.acceptingSubmitter()).build();
    record(meter, records);
    while (MeterFixture.pendingUnits(meter.status()) < records) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    java.util.concurrent.locks.LockSupport.parkNanos(SETTLE_MILLIS * 1_000_000);
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }

  /**
   * Leaves in {@code directory} {@code records} records of the open hour that a drainer had summed,
   * written by a child JVM that then halted without closing its meter (see {@link #main}). Its clock is
   * the system clock moved by {@code clockOffsetMillis}: a running clock, since the drainer's checkpoints
   * of sums are spaced on the meter's clock.
   */
  static void fillDrainedThenHalt(Path directory, long clockOffsetMillis, long records) {
    java.util.List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(BenchmarkJvm.chronicleFlags());
    command.addAll(BenchmarkJvm.HEAP);
    command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), JournalFill.class.getName(),
        "drained", directory.toString(), Long.toString(records), Long.toString(clockOffsetMillis)));
    try {
      Process process = new ProcessBuilder(command).inheritIO().start();
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.MINUTES) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException("the drained fill of " + directory + " failed");
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("starting the drained fill", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Records {@code records} units in {@code directory} with the drainer thread off, as a process killed
   * before its drainer read anything would leave them, then closes the meter (leaving the hour open).
   */
  static void fillUnread(Path directory, InstantSource clock, long records) {
    fillUnread(directory, clock, records, 1);
  }

  /**
   * As {@link #fillUnread(Path, InstantSource, long)}, with {@code writers} threads recording
   * {@code records / writers} each (the rest on the first) at the same time: on a striped journal each
   * thread writes its own stripe, on a one-queue journal they interleave in the one queue.
   */
  static void fillUnread(Path directory, InstantSource clock, long records, int writers) {
    if (writers < 1) {
      throw new IllegalArgumentException("writers must be at least 1: " + writers);
    }
    try (Meter meter = MeterFixture.builder(directory, clock, MeterFixture.acceptingSubmitter())
        .drainerThread(false)
        .build()) {
      if (writers == 1) {
        record(meter, records);
        return;
      }
      long each = records / writers;
      Thread[] threads = new Thread[writers];
      Throwable[] failure = new Throwable[1];
      for (int w = 0; w < writers; w++) {
        long mine = w == 0 ? records - each * (writers - 1) : each;
        threads[w] = new Thread(() -> record(meter, mine), "fill-" + w);
        threads[w].setUncaughtExceptionHandler((thread, e) -> {
          synchronized (failure) {
            failure[0] = e;
          }
        });
        threads[w].start();
      }
      for (Thread thread : threads) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted filling " + directory, e);
        }
      }
      synchronized (failure) {
        if (failure[0] != null) {
          throw new IllegalStateException("a writer failed filling " + directory, failure[0]);
        }
      }
    }
  }

  /** Records {@code records} units, alternating the two dimensions; fails loudly if one is refused. */
  static void record(Meter meter, long records) {
    Dimension users = meter.dimension(MeterFixture.USERS);
    Dimension requests = meter.dimension(MeterFixture.REQUESTS);
    for (long i = 0; i < records; i++) {
      Dimension dimension = (i & 1) == 0 ? users : requests;
      if (!dimension.record(1)) {
        throw new IllegalStateException("the journal refused record " + i + " of " + records);
      }
    }
  }
}
