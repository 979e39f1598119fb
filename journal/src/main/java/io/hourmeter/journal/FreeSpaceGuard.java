package io.hourmeter.journal;

import io.hourmeter.spi.FreeSpaceProbe;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether the journal's file system has room for appends. Measuring free space is a system
 * call too slow for the hot path, so a small daemon thread samples the probe every
 * {@value #INTERVAL_MILLIS} ms, and sooner when appenders wake it (every
 * {@link AppenderSlot#WAKE_SAMPLER_EVERY} appends of a thread), but never more often than once a
 * millisecond. The hot path only reads a volatile flag. After each sample the thread runs the
 * journal's housekeeping ({@code onTick}: releasing a write lock that a killed process holds, closing
 * dead threads' appenders), so that none of it runs on a recording thread.
 *
 * <p>Appends are refused below {@code minFreeBytes + reserveBytes}. The reserve covers what Chronicle
 * may claim at once beyond the records themselves (the next mapped block of a cycle file, or a new
 * cycle file with its index), plus what a burst can write between two samples, so that Chronicle never
 * meets a full disk (it would throw InternalError or crash the JVM with SIGBUS).
 *
 * <p>Thread-safety: {@link #low()} and {@link #wake()} from any thread.
 */
final class FreeSpaceGuard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FreeSpaceGuard.class);
  static final long INTERVAL_MILLIS = 50;
  private static final long MIN_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final Path directory;
  private final FreeSpaceProbe probe;
  private final long thresholdBytes;
  private final Runnable onTick;
  private final Thread sampler;
  private volatile boolean low;
  private volatile boolean stopped;
  /** When the sampler last sampled ({@link System#nanoTime()}); appenders read it before waking it. */
  private volatile long lastSampleNanos = System.nanoTime();
  private boolean probeFailing;

  FreeSpaceGuard(Path directory, FreeSpaceProbe probe, long minFreeBytes, long reserveBytes, Runnable onTick) {
    this.directory = directory;
    this.probe = probe;
    this.thresholdBytes = saturatedAdd(minFreeBytes, reserveBytes);
    this.onTick = onTick;
    sample();
    this.sampler = new Thread(this::run, "hourmeter-journal-free-space");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Whether appends must be refused now. */
  boolean low() {
    return low;
  }

  /** Usable bytes below which appends are refused. */
  long thresholdBytes() {
    return thresholdBytes;
  }

  /**
   * Asks for a sample soon: unparks the sampler, unless it sampled within the last millisecond (it could
   * not sample sooner anyway, and an unpark costs the appending thread a system call).
   */
  void wake() {
    if (System.nanoTime() - lastSampleNanos >= MIN_GAP_NANOS) {
      LockSupport.unpark(sampler);
    }
  }

  private void run() {
    while (!stopped) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS));
      long sinceLast = System.nanoTime() - lastSampleNanos;
      if (sinceLast < MIN_GAP_NANOS) {
        LockSupport.parkNanos(MIN_GAP_NANOS - sinceLast);
      }
      if (stopped) {
        return;
      }
      sample();
      lastSampleNanos = System.nanoTime();
      try {
        onTick.run();
      } catch (RuntimeException e) {
        LOG.warn("Journal housekeeping failed", e);
      }
    }
  }

  void sample() {
    long usable;
    try {
      usable = probe.usableBytes(directory);
    } catch (RuntimeException e) {
      // An unreadable figure keeps the last decision; say so once, not every 50 ms.
      if (!probeFailing) {
        probeFailing = true;
        LOG.warn("Cannot measure free space of {}; keeping the last decision (low={})", directory, low, e);
      }
      return;
    }
    probeFailing = false;
    boolean nowLow = usable < thresholdBytes;
    if (nowLow != low) {
      low = nowLow;
      if (nowLow) {
        LOG.warn("Journal disk low: {} usable bytes in {}, below {}; refusing appends", usable, directory,
            thresholdBytes);
      } else {
        LOG.info("Journal disk space is back: {} usable bytes in {}; appending again", usable, directory);
      }
    }
  }

  @Override
  public void close() {
    stopped = true;
    LockSupport.unpark(sampler);
    if (Thread.currentThread() != sampler) {
      try {
        sampler.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
