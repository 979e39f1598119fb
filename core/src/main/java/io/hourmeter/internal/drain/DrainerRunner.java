package io.hourmeter.internal.drain;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background thread that drives a {@link Drainer}: it calls {@code doWork()} in a loop and, when
 * a step did nothing, idles with a backoff from {@link #MIN_IDLE} to {@link #MAX_IDLE} (the drainer's
 * own cadence decides when a step reads the journal; {@link Drainer#requestCatchUp} unparks the thread
 * at once). It catches
 * nothing: {@link Drainer#doWork()} never throws, since it handles every failure of a step itself
 * (any {@link Throwable}, reported and followed by a rebuild from storage). Thread-safe:
 * {@link #stop} and {@link #whenStopped} may be called from any thread.
 */
public final class DrainerRunner {
  private static final Logger LOG = LoggerFactory.getLogger(DrainerRunner.class);
  static final long MIN_IDLE = TimeUnit.MICROSECONDS.toNanos(100);
  static final long MAX_IDLE = TimeUnit.MILLISECONDS.toNanos(50);

  /** Marks {@link #afterExit} once the thread has left its loop. */
  private static final Runnable EXITED = () -> { };

  private final Drainer drainer;
  private final Thread thread;
  private final AtomicReference<Runnable> afterExit = new AtomicReference<>();
  private volatile boolean running = true;

  private DrainerRunner(Drainer drainer, String name) {
    this.drainer = drainer;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
  }

  /** Starts a daemon thread that drives the drainer. */
  public static DrainerRunner start(Drainer drainer, String name) {
    DrainerRunner runner = new DrainerRunner(drainer, name);
    Thread thread = runner.thread;
    drainer.wakeWith(() -> LockSupport.unpark(thread));
    runner.thread.start();
    return runner;
  }

  private void run() {
    long idle = MIN_IDLE;
    while (running) {
      // doWork() never throws: it is the one place that catches a step's failure, reports it and
      // rebuilds the drainer's state from storage before the next step.
      int work = drainer.doWork();
      if (work > 0) {
        idle = MIN_IDLE;
      } else if (running) {
        LockSupport.parkNanos(this, idle);
        idle = Math.min(MAX_IDLE, idle * 2);
      }
    }
    Runnable last = afterExit.getAndSet(EXITED);
    if (last != null) {
      last.run();
    }
  }

  /**
   * Runs {@code last} once the thread has left its loop: on the thread itself when its current step
   * returns, or at once on the caller's thread if it has already left. For a {@link #stop} that timed
   * out on a stuck send: the drainer's lock and ledger are then released as soon as the send
   * returns, not at JVM exit. At most one action may be registered.
   */
  public void whenStopped(Runnable last) {
    if (!afterExit.compareAndSet(null, last)) {
      last.run();
    }
  }

  /**
   * Asks the thread to stop after its current step and waits at most {@code timeout} for it (a send in
   * flight finishes first). Returns whether it stopped.
   */
  public boolean stop(Duration timeout) {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("the drainer did not stop within {}; a send is still in flight: the drainer lock is "
          + "released when it returns, and a send it could not record is resent unchanged by the next "
          + "drainer", timeout);
      return false;
    }
    return true;
  }
}
