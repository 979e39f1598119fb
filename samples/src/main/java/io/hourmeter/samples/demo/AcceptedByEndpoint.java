package io.hourmeter.samples.demo;

import io.hourmeter.local.AcceptedRecord;
import io.hourmeter.local.LocalMeteringEndpoint;
import java.util.Map;
import java.util.TreeMap;

/** What the local Metering endpoint accepted, per dimension and hour: the "AWS side" of the books. */
final class AcceptedByEndpoint {
  private AcceptedByEndpoint() { }

  /** Per dimension, per epoch hour of the Timestamp: the accepted quantity. */
  static Map<String, Map<Long, Long>> of(LocalMeteringEndpoint endpoint) {
    Map<String, Map<Long, Long>> accepted = new TreeMap<>();
    for (AcceptedRecord record : endpoint.accepted()) {
      long hour = Math.floorDiv(record.timestamp().toEpochMilli(), 3_600_000L);
      accepted.computeIfAbsent(record.dimension(), d -> new TreeMap<>()).merge(hour, record.quantity(), Long::sum);
    }
    return accepted;
  }
}
