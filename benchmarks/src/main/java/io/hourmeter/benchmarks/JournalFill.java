package io.hourmeter.benchmarks;

import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import java.nio.file.Path;
import java.time.InstantSource;

/** Writes a journal of many 1-unit records through the real meter, alternating two dimensions. */
final class JournalFill {

  private JournalFill() { }

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
