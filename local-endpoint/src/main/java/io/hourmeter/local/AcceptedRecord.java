package io.hourmeter.local;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One metering record the endpoint accepted, as AWS would have stored it: from MeterUsage, or one
 * record of a BatchMeterUsage call (then {@link #customer()} is set and {@link #clientToken()} is null).
 *
 * @param recordId    the MeteringRecordId returned
 * @param productCode the ProductCode
 * @param dimension   the UsageDimension (BatchMeterUsage: the Dimension)
 * @param timestamp   the Timestamp as sent (not rounded)
 * @param quantity    the UsageQuantity (BatchMeterUsage: the Quantity)
 * @param allocations the UsageAllocations, in request order; empty when none were sent
 * @param clientToken the ClientToken, or {@code null} when the request had none (hourly mode)
 * @param receivedAt  when the endpoint accepted it, on the endpoint's clock
 * @param customer    the buyer exactly as the BatchMeterUsage record named it on the wire (LicenseArn
 *                    included), or {@code null} for MeterUsage
 */
public record AcceptedRecord(String recordId, String productCode, String dimension, Instant timestamp,
    long quantity, List<Allocation> allocations, String clientToken, Instant receivedAt,
    SaasCustomer customer) {

  public AcceptedRecord {
    Objects.requireNonNull(recordId, "recordId");
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(dimension, "dimension");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(receivedAt, "receivedAt");
    allocations = List.copyOf(allocations);
  }

  /**
   * One UsageAllocation.
   *
   * @param quantity the AllocatedUsageQuantity
   * @param tags     the Tags, key to value; empty for the untagged bucket
   */
  public record Allocation(long quantity, Map<String, String> tags) {
    public Allocation {
      tags = Map.copyOf(tags);
    }
  }
}
