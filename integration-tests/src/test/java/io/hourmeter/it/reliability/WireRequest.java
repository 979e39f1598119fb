package io.hourmeter.it.reliability;

import java.time.Instant;

/**
 * One MeterUsage request as the local endpoint saw it, and what it answered.
 *
 * @param dimension   the UsageDimension
 * @param timestamp   the Timestamp
 * @param quantity    the UsageQuantity
 * @param clientToken the ClientToken, or {@code null}
 * @param answer      {@code "Accepted"}, or the error type it answered (ThrottlingException, ...), or
 *                    {@code "Dropped"} when it dropped the connection
 * @param foreign     whether it came from outside the meter under test (a pre-recorded hour)
 */
record WireRequest(String dimension, Instant timestamp, long quantity, String clientToken, String answer,
    boolean foreign) {

  static final String ACCEPTED = "Accepted";

  long epochHour() {
    return Math.floorDiv(timestamp.getEpochSecond(), 3600);
  }

  boolean accepted() {
    return ACCEPTED.equals(answer);
  }
}
