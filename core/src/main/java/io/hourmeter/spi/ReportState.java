package io.hourmeter.spi;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a report. Every legal transition is listed here and nowhere else; the drainer persists a
 * new state before any side effect that depends on it.
 *
 * <pre>
 * OPEN -> FROZEN -> IN_FLIGHT -> ACCEPTED
 *            |          |-----> FROZEN          (retryable: back off, keep byte-identical)
 *            |          |-----> CARRIED         (window passed / hour taken: quantity moves on)
 *            |          '-----> DEAD_LETTERED   (with reason)
 *            |-----> CARRIED | DEAD_LETTERED
 * DEAD_LETTERED -> FROZEN                        (an operator re-queues it: resent in its own hour)
 *            '-----> CARRIED                       (an operator re-queues it: its hour is taken or its
 *                                                  window passed, so it goes into the next report)
 * </pre>
 */
public enum ReportState {
  /** Usage is still being summed; lives in memory only, rebuilt from the journal. */
  OPEN,
  /** Quantity and request fixed and persisted; not yet sent, or to be resent identically. */
  FROZEN,
  /** A send has started; after a crash it is resent unchanged. */
  IN_FLIGHT,
  /** AWS accepted it; the MeteringRecordId is kept. Final. */
  ACCEPTED,
  /** Its quantity went into a later report. Final. */
  CARRIED,
  /** Kept out of billing, with a reason, for an operator. Final unless re-queued. */
  DEAD_LETTERED;

  /** Whether a report in this state may move to {@code next}. */
  public boolean canMoveTo(ReportState next) {
    return successors().contains(next);
  }

  /** Whether nothing more will happen to the report without an operator. */
  public boolean isFinal() {
    return this == ACCEPTED || this == CARRIED || this == DEAD_LETTERED;
  }

  private Set<ReportState> successors() {
    switch (this) {
      case OPEN:
        return EnumSet.of(FROZEN);
      case FROZEN:
        return EnumSet.of(IN_FLIGHT, CARRIED, DEAD_LETTERED);
      case IN_FLIGHT:
        return EnumSet.of(IN_FLIGHT, ACCEPTED, FROZEN, CARRIED, DEAD_LETTERED);
      case DEAD_LETTERED:
        return EnumSet.of(FROZEN, CARRIED);
      default:
        return EnumSet.noneOf(ReportState.class);
    }
  }
}
