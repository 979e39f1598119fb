package io.hourmeter.internal.drain;

import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;

/**
 * How a metering mode turns journal records into frozen reports: summed per hour
 * ({@link HourlyAggregation}) or cut into contiguous ranges ({@link AgentCoreAggregation}). Records
 * arrive through {@link JournalCursor.Sink}; sums live in memory only and are rebuilt from the
 * ledger's checkpoint after every restart. Not thread-safe: the drainer thread owns it.
 */
interface Aggregation extends JournalCursor.Sink {

  /** Forgets every in-memory sum and starts over against a freshly loaded state. */
  void reset(LedgerState state);

  /**
   * Commits what the records read require (late usage, closed hours, due cuts).
   *
   * @param flush freeze everything now, the open hour included (a REPORT_PARTIAL_HOUR shutdown)
   * @return the work done
   */
  int decide(LedgerState state, JournalCursor cursor, Instant now, boolean flush);

  /**
   * Makes what was read so far survive a restart without a re-read, where the mode keeps sums across
   * reads (a checkpoint of sums); called at close. Returns the work done.
   */
  default int checkpoint(JournalCursor cursor, Instant now) {
    return 0;
  }

  /** Adds in-memory pending units, per hour start and dimension, to {@code into}. */
  void pending(SortedMap<Instant, Map<String, Long>> into);

  /** How many (key, hour) sums are held in memory. */
  int keyCount();

  /** Adds the SaaS buyers with in-memory pending units to {@code into}. */
  void pendingBuyers(java.util.Set<io.hourmeter.Buyer> into);
}
