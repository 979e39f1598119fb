package io.hourmeter.it.reliability;

import java.time.Instant;

/**
 * A usage record the local endpoint accepted (and so would bill).
 *
 * @param foreign whether it came from outside the meter under test (a pre-recorded hour)
 */
record AcceptedRecord(String recordId, String dimension, Instant timestamp, long quantity, String clientToken,
    boolean foreign) {

  long epochHour() {
    return Math.floorDiv(timestamp.getEpochSecond(), 3600);
  }
}
