package io.hourmeter.samples.demo;

import io.hourmeter.local.AcceptedRecord;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.spi.UsageKey;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the local Metering endpoint accepted, per usage key and hour: the "AWS side" of the books. A
 * MeterUsage record's key is its dimension; a BatchMeterUsage record's is its buyer, as named on the
 * wire, and its dimension.
 */
final class AcceptedByEndpoint {
  private AcceptedByEndpoint() { }

  /** Per usage key, per epoch hour of the Timestamp: the accepted quantity. */
  static Map<UsageKey, Map<Long, Long>> of(LocalMeteringEndpoint endpoint) {
    Map<UsageKey, Map<Long, Long>> accepted = new TreeMap<>();
    for (AcceptedRecord record : endpoint.accepted()) {
      long hour = Math.floorDiv(record.timestamp().toEpochMilli(), 3_600_000L);
      UsageKey key = new UsageKey(record.customer() == null ? null : DemoBuyers.fromEndpoint(record.customer()),
          record.dimension());
      accepted.computeIfAbsent(key, k -> new TreeMap<>()).merge(hour, record.quantity(), Long::sum);
    }
    return accepted;
  }
}
