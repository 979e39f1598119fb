package io.hourmeter.journal;

import java.nio.file.Path;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the journal builds its Chronicle queues, and how it recovers one after a crash. */
final class ChronicleQueues {
  private static final Logger LOG = LoggerFactory.getLogger(ChronicleQueues.class);
  static final RollCycle ROLL_CYCLE = RollCycles.FAST_HOURLY;
  /** The shared metadata slot where every appender records the newest cycle it created. */
  private static final String HIGHEST_CYCLE_KEY = "listing.highestCycle";
  /** Lock and torn-header timeout while recovering at open, when no live writer can be mid-record. */
  private static final long RECOVERY_TIMEOUT_MILLIS = 200;

  private ChronicleQueues() { }

  /** Builds a queue on {@code directory} whose time is {@code clock}, and attaches the clock's floor. */
  static SingleChronicleQueue open(Path directory, MonotonicHourClock clock, long blockSize, long timeoutMillis) {
    SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory)
        .rollCycle(ROLL_CYCLE)
        .timeProvider(clock)
        .blockSize(blockSize)
        .timeoutMS(timeoutMillis)
        .build();
    try {
      clock.attach(highestCycle(queue));
      return queue;
    } catch (RuntimeException e) {
      queue.close();
      throw e;
    }
  }

  static LongValue highestCycle(SingleChronicleQueue queue) {
    return queue.metaStore().acquireValueFor(HIGHEST_CYCLE_KEY);
  }

  /**
   * Repairs what a killed writer left, before the journal's own queue appends, so that no recording
   * thread waits on it: a write lock still held by a dead process is released, and an empty write
   * (rolled back) seals every older cycle with an end-of-file marker, overwriting a torn last header
   * after a short timeout (Chronicle's own is 10 s, on the hot path). Tailers need the marker to move
   * on to a newer cycle. Best effort: a failure is logged, and Chronicle's slower recovery remains.
   */
  static void recover(Path directory, java.time.InstantSource clock, long blockSize) {
    MonotonicHourClock recoveryClock = new MonotonicHourClock(clock);
    try (SingleChronicleQueue queue = open(directory, recoveryClock, blockSize, RECOVERY_TIMEOUT_MILLIS)) {
      try {
        releaseLockOfDeadWriter(queue);
        if (queue.lastCycle() >= 0) {
          try (ExcerptAppender appender = queue.createAppender();
               DocumentContext dc = appender.writingDocument()) {
            dc.rollbackOnClose();
          }
        }
      } finally {
        recoveryClock.detach();
      }
    } catch (RuntimeException e) {
      LOG.warn("Could not recover the journal in {} at open; Chronicle will recover on first append", directory, e);
    }
  }

  private static void releaseLockOfDeadWriter(SingleChronicleQueue queue) {
    try (WriteLockWatch watch = new WriteLockWatch(queue)) {
      watch.releaseIfHolderDead();
    }
  }
}
