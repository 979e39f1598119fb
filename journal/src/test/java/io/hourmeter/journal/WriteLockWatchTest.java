package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.testing.MutableClock;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.table.AbstractTSQueueLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-lock watch releases the lock of a process that is gone, after the confirmation time, and
 * never the lock of a living process, however long it holds it. The lock word is set by hand to the
 * PID of a real process: one that has exited, or one that is still running.
 */
class WriteLockWatchTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @TempDir
  Path directory;
  private MonotonicHourClock clock;
  private SingleChronicleQueue queue;
  private LongValue word;
  private WriteLockWatch watch;

  @BeforeEach
  void openQueue() {
    clock = new MonotonicHourClock(MutableClock.atHour(476_000));
    queue = ChronicleQueues.open(directory, clock, ChronicleUsageJournal.DEFAULT_BLOCK_SIZE, 10_000);
    word = queue.metaStore().acquireValueFor(WriteLockWatch.LOCK_KEY);
    watch = new WriteLockWatch(queue);
  }

  @AfterEach
  void closeQueue() {
    watch.close();
    word.close();
    clock.detach();
    queue.close();
  }

  @Test
  void aLockHeldByAProcessThatIsGoneIsReleasedOnlyAfterTheConfirmationTime() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    word.setVolatileValue(gone.pid());
    long t0 = System.nanoTime();

    assertThat(watch.check(t0)).as("first look").isFalse();
    assertThat(watch.check(t0 + (WriteLockWatch.CONFIRM_MILLIS - 10) * MS)).as("before the confirmation").isFalse();
    assertThat(word.getVolatileValue()).isEqualTo(gone.pid());
    assertThat(watch.check(t0 + (WriteLockWatch.CONFIRM_MILLIS + 60) * MS)).as("after it").isTrue();
    assertThat(word.getVolatileValue()).isEqualTo(AbstractTSQueueLock.UNLOCKED);
  }

  @Test
  void aLockHeldByALivingProcessIsNeverReleased() throws Exception {
    Process living = new ProcessBuilder("sleep", "30").start();
    try {
      word.setVolatileValue(living.pid());
      long t0 = System.nanoTime();
      for (int look = 0; look < 100; look++) {
        assertThat(watch.check(t0 + look * 100 * MS)).as("look %d, %d ms in", look, look * 100).isFalse();
      }
      assertThat(watch.releaseIfHolderDead()).as("the recovery at open").isFalse();
      assertThat(word.getVolatileValue()).isEqualTo(living.pid());
    } finally {
      living.destroyForcibly().waitFor();
      word.setVolatileValue(AbstractTSQueueLock.UNLOCKED);
    }
  }

  @Test
  void aLockOfThisProcessIsNeverReleased() {
    long self = ProcessHandle.current().pid();
    word.setVolatileValue(self);
    long t0 = System.nanoTime();
    for (int look = 0; look < 10; look++) {
      assertThat(watch.check(t0 + look * 100 * MS)).isFalse();
    }
    assertThat(word.getVolatileValue()).isEqualTo(self);
    word.setVolatileValue(AbstractTSQueueLock.UNLOCKED);
  }
}
