package io.hourmeter;

/**
 * What happens to usage that cannot be reported in its own hour: the hour was already reported, the
 * six-hour window has passed (decided ahead of the deadline, with a safety margin), or the hour's sum
 * exceeds the 2,147,483,647 that one MeterUsage call accepts.
 */
public enum CarryPolicy {
  /** Add it to the next unfrozen hour's report, as AWS recommends. The default. */
  CARRY_FORWARD,
  /** Keep it out of billing, as a dead letter with its reason, for an operator to re-queue. */
  DEAD_LETTER
}
