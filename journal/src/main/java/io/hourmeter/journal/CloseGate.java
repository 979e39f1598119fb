package io.hourmeter.journal;

import java.util.concurrent.locks.LockSupport;

/**
 * Lets a journal close while other threads append or read, without any of them touching a file after
 * it is unmapped. Each user (an appender slot, a reader) raises its own {@code busy} flag, then checks
 * {@link #closed}; {@link #close} sets {@code closed}, then waits until each user's flag is down. Both
 * are volatile, so one side always sees the other: either the user sees {@code closed} and backs off,
 * or the closer sees {@code busy} and waits. The hot path pays one uncontended volatile store.
 */
final class CloseGate {
  volatile boolean closed;

  /** A user of the gate: a thread-confined object with a busy flag. */
  abstract static class User {
    volatile boolean busy;

    /** Waits until this user is not inside a guarded section; call after the gate is closed. */
    final void awaitIdle() {
      int spins = 0;
      while (busy) {
        if (++spins < 1_000) {
          Thread.onSpinWait();
        } else {
          LockSupport.parkNanos(100_000);
        }
      }
    }
  }
}
