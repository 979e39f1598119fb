package io.hourmeter;

import java.util.Objects;

/**
 * A failure or alert, handed to the {@link ErrorHandler} and shown in {@link MeterStatus}. Only
 * {@link Meter#builder()} throws it, for a journal that cannot be opened or a submitter whose clock is
 * not the meter's; after {@code build()} it is never thrown into the host application.
 */
public final class HourmeterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, and so what a user should do about it. */
  public enum Kind {
    /** The journal's file system is below the free-space threshold; units are being refused. */
    DISK_LOW,
    /** The journal or the report ledger failed. */
    STORAGE,
    /** A send failed in a way worth retrying (throttling, 5xx, timeout, connection). */
    SEND_RETRYABLE,
    /** AWS already holds another quantity for this dimension-hour; ours was not billed. */
    DUPLICATE_HOUR,
    /** A ClientToken was reused with other parameters: a bug, never resent with a new token. */
    IDEMPOTENCY_CONFLICT,
    /** Product code, region or credentials are wrong; sending stops, journaling goes on. */
    CONFIGURATION,
    /** The buyer is not entitled; sending stops, journaling goes on, entitlement is checked slowly. */
    NOT_ENTITLED,
    /** AWS does not know a dimension; that dimension is quarantined, the others go on. */
    DIMENSION_QUARANTINED,
    /**
     * SaaS: a buyer is not subscribed, or its id or license is invalid; that buyer's usage waits
     * (one report is tried again slowly) while every other buyer's goes on.
     */
    BUYER_QUARANTINED,
    /** A report was dead-lettered; the reason says why. */
    DEAD_LETTER,
    /** Usage was carried into a later hour. */
    CARRIED,
    /** The drainer thread failed unexpectedly and will retry. */
    DRAINER
  }

  private final Kind kind;

  public HourmeterException(Kind kind, String message) {
    this(kind, message, null);
  }

  public HourmeterException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** The kind of failure. */
  public Kind kind() {
    return kind;
  }

  @Override
  public String toString() {
    return "HourmeterException[" + kind + "]: " + getMessage();
  }
}
