package io.hourmeter.journal;

import io.hourmeter.journal.internal.RecordCodec;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One recording thread's Chronicle appender. Chronicle binds an appender to the thread that created
 * it, so each thread gets its own slot (through the journal's thread-local), created on its first
 * append and closed by the journal's {@code close()}, or by the free-space sampler once the thread has
 * died.
 *
 * <p>Thread-safety: {@link #append} runs only on {@link #owner}; {@link #close} runs on another thread
 * once the gate is closed and the slot is idle, or once the owner is dead.
 */
final class AppenderSlot extends CloseGate.User {
  private static final Logger LOG = LoggerFactory.getLogger(AppenderSlot.class);
  /** Appends between wake-ups of the free-space sampler, so a burst cannot outrun it. */
  static final int WAKE_SAMPLER_EVERY = 1024;

  final Thread owner;
  private final SingleChronicleQueue queue;
  private final CloseGate gate;
  private final FreeSpaceGuard guard;
  private final AtomicLong failures;
  private ExcerptAppender appender;
  private int sinceWake;

  AppenderSlot(Thread owner, SingleChronicleQueue queue, CloseGate gate, FreeSpaceGuard guard, AtomicLong failures) {
    this.owner = owner;
    this.queue = queue;
    this.gate = gate;
    this.guard = guard;
    this.failures = failures;
  }

  /**
   * Appends one record, of a customer unless {@code customerId} is 0; false if the journal is closed or
   * Chronicle failed.
   */
  boolean append(int dimensionId, int customerId, long quantity, int tagSetId) {
    busy = true;
    try {
      if (gate.closed) {
        return false;
      }
      ExcerptAppender current = appender;
      if (current == null) {
        current = queue.createAppender();
        appender = current;
      }
      RecordCodec.appendRaw(current, dimensionId, customerId, quantity, tagSetId);
      if (++sinceWake >= WAKE_SAMPLER_EVERY) {
        sinceWake = 0;
        guard.wake();
      }
      return true;
    } catch (RuntimeException | InternalError e) {
      // InternalError is how Chronicle reports a fault on mapped memory (e.g. a full disk); the host
      // application must not see it.
      long count = failures.incrementAndGet();
      if (Long.bitCount(count) == 1) {
        LOG.error("Journal append failed ({} failures so far); the record was not journaled", count, e);
      }
      return false;
    } finally {
      busy = false;
    }
  }

  /** Closes the appender; the caller makes sure no append is in flight and none will start. */
  void close() {
    ExcerptAppender current = appender;
    appender = null;
    if (current != null) {
      try {
        current.close();
      } catch (RuntimeException e) {
        LOG.warn("Closing a journal appender failed", e);
      }
    }
  }
}
