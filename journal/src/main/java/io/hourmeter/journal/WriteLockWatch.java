package io.hourmeter.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.queue.impl.table.AbstractTSQueueLock;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches Chronicle's cross-process write lock for a holder that died, and releases it. Every append,
 * in every process on the directory, takes that lock; its word in the queue's metadata file holds the
 * holder's PID ({@link AbstractTSQueueLock#UNLOCKED} when free). A process killed inside
 * {@code writingDocument()} leaves its PID there, and Chronicle makes every other appender spin for its
 * lock timeout (15 s) before it checks whether the holder lives. That wait would be on the host
 * application's thread, so the journal's free-space sampler calls {@link #check} instead, off the hot
 * path, and the appenders that were waiting go on as soon as the word is free. Chronicle's own write
 * then overwrites the dead writer's incomplete header, under the lock.
 *
 * <p>A holder is released only if its process is gone (or a zombie) and the lock has stayed with it,
 * with no record appended anywhere, for {@value #CONFIRM_MILLIS} ms: PIDs are only meaningful within
 * one PID namespace, and a live holder in another container (whose PID this process cannot see) may
 * look dead for a moment but always completes its record within that time unless it is stalled.
 * A live holder is never released, however slow; appenders wait for it, as Chronicle does.
 *
 * <p>Thread-safety: not thread-safe; one thread (the sampler, or the opening thread at open) uses it.
 * The release itself is a compare-and-swap from the dead PID, so it cannot free a lock that a live
 * process took meanwhile, and two processes recovering at once is harmless.
 */
final class WriteLockWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriteLockWatch.class);
  /** The key of Chronicle's write lock in the queue's metadata ({@code TableStoreWriteLock}'s). */
  static final String LOCK_KEY = "chronicle.write.lock";
  /** How long a dead-looking holder must keep the lock, with nothing appended, before it is released. */
  static final long CONFIRM_MILLIS = 200;
  private static final long CONFIRM_NANOS = TimeUnit.MILLISECONDS.toNanos(CONFIRM_MILLIS);
  private static final long OWN_PID = ProcessHandle.current().pid();
  private static final long NONE = AbstractTSQueueLock.UNLOCKED;
  private static final Path PROC_SELF = Path.of("/proc/self");
  /** At most about two looks per free-space sample interval, however often the sampler ticks. */
  private static final long LOOK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(FreeSpaceGuard.INTERVAL_MILLIS / 2);

  private final SingleChronicleQueue queue;
  private final LongValue word;
  private long lastLookAt = System.nanoTime() - LOOK_INTERVAL_NANOS;
  private long suspect = NONE;
  private long suspectLastIndex;
  private long suspectSince;

  WriteLockWatch(SingleChronicleQueue queue) {
    this.queue = queue;
    this.word = queue.metaStore().acquireValueFor(LOCK_KEY);
  }

  /**
   * Releases the lock at once if a process that is gone holds it; for the recovery at open, when the
   * directory lock keeps other processes of this library from opening meanwhile.
   */
  boolean releaseIfHolderDead() {
    long holder = word.getVolatileValue();
    return holder != NONE && !alive(holder) && release(holder);
  }

  /**
   * One look at the lock, at {@code nowNanos} ({@link System#nanoTime()}): releases it once a dead
   * holder has kept it for {@value #CONFIRM_MILLIS} ms with no record appended; returns whether it did.
   */
  boolean check(long nowNanos) {
    // Under heavy appends the sampler ticks up to a thousand times a second; one look per interval is
    // enough for the bound, and keeps the system calls below off a busy machine.
    if (nowNanos - lastLookAt < LOOK_INTERVAL_NANOS) {
      return false;
    }
    lastLookAt = nowNanos;
    long holder = word.getVolatileValue();
    if (holder == NONE || holder == OWN_PID || alive(holder)) {
      suspect = NONE;
      return false;
    }
    long lastIndex = queue.lastIndex();
    if (holder != suspect || lastIndex != suspectLastIndex) {
      suspect = holder;
      suspectLastIndex = lastIndex;
      suspectSince = nowNanos;
      return false;
    }
    if (nowNanos - suspectSince < CONFIRM_NANOS) {
      return false;
    }
    suspect = NONE;
    return release(holder);
  }

  private boolean release(long holder) {
    boolean released = word.compareAndSwapValue(holder, NONE);
    if (released) {
      LOG.warn("Released the journal's write lock in {}: its holder, process {}, is gone (killed while "
          + "appending); appends go on", queue.file(), holder);
    }
    return released;
  }

  /** Whether the process is alive: present, and on Linux not a zombie (killed, not yet reaped). */
  static boolean alive(long pid) {
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return false;
    }
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String line = Files.readString(stat);
      int end = line.lastIndexOf(')');
      char state = end > 0 && end + 2 < line.length() ? line.charAt(end + 2) : '?';
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      // Without /proc (not Linux) ProcessHandle's answer stands; on Linux the process went as we looked.
      return !Files.isDirectory(PROC_SELF);
    }
  }

  @Override
  public void close() {
    word.close();
  }
}
