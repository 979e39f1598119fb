package io.hourmeter.it.reliability;

import java.time.Instant;

/**
 * A usage record the local endpoint accepted (and so would bill).
 *
 * @param key     what it counts: its dimension, or in SaaS mode the buyer it names and the dimension
 *                ({@link Keys})
 * @param foreign whether it came from outside the meter under test (a pre-recorded hour)
 */
record AcceptedRecord(String recordId, String key, Instant timestamp, long quantity, String clientToken,
    boolean foreign) {

  long epochHour() {
    return Math.floorDiv(timestamp.getEpochSecond(), 3600);
  }

  /** The UsageDimension (BatchMeterUsage: the Dimension). */
  String dimension() {
    return Keys.dimension(key);
  }

  /** The buyer's canonical key (SaaS), or {@code null}. */
  String buyer() {
    return Keys.buyer(key);
  }
}
