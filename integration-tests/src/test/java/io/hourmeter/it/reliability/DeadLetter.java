package io.hourmeter.it.reliability;

import java.time.Instant;

/**
 * A report the drainer dead-lettered, as the ledger (through the inspection API) shows it: what it
 * would have sent, and why it did not.
 *
 * @param key what it counts: its dimension, or in SaaS mode the report's buyer and dimension
 *            ({@link Keys})
 */
record DeadLetter(String key, long epochHour, long quantity, String reason, Instant timestamp,
    String clientToken) {

  /** Test shorthand: an hourly report (no token) at the hour's start. */
  DeadLetter(String key, long epochHour, long quantity, String reason) {
    this(key, epochHour, quantity, reason, Instant.ofEpochSecond(epochHour * 3600), null);
  }

  /**
   * Whether the drainer could not know if AWS recorded it (an attempt ended without an answer, or a
   * crash cut a send short): an operator must look at AWS's records before re-queueing it.
   */
  boolean outcomeUnknown() {
    return reason != null && reason.startsWith("OUTCOME_UNKNOWN");
  }

  /** The UsageDimension. */
  String dimension() {
    return Keys.dimension(key);
  }

  /** The buyer's canonical key (SaaS), or {@code null}. */
  String buyer() {
    return Keys.buyer(key);
  }
}
