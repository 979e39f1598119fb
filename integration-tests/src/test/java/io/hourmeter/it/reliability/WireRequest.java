package io.hourmeter.it.reliability;

import java.time.Instant;

/**
 * One MeterUsage request, or one UsageRecord of a BatchMeterUsage request, as the local endpoint saw
 * it, and what it answered.
 *
 * @param key         what it counts: the UsageDimension, or for a UsageRecord the buyer it names and
 *                    its Dimension ({@link Keys})
 * @param timestamp   the Timestamp
 * @param quantity    the UsageQuantity (BatchMeterUsage: the Quantity)
 * @param clientToken the ClientToken, or {@code null}
 * @param answer      {@code "Accepted"}, or the error type it answered (ThrottlingException, ...), or
 *                    {@code "Dropped"} when it dropped the connection, or a record's Status
 *                    (DuplicateRecord, CustomerNotSubscribed)
 * @param foreign     whether it came from outside the meter under test (a pre-recorded hour)
 */
record WireRequest(String key, Instant timestamp, long quantity, String clientToken, String answer,
    boolean foreign) {

  static final String ACCEPTED = "Accepted";

  long epochHour() {
    return Math.floorDiv(timestamp.getEpochSecond(), 3600);
  }

  boolean accepted() {
    return ACCEPTED.equals(answer);
  }

  /** The UsageDimension. */
  String dimension() {
    return Keys.dimension(key);
  }
}
