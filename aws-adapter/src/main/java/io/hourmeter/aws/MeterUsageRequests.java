package io.hourmeter.aws;

import io.hourmeter.spi.UsageAllocation;
import io.hourmeter.spi.UsageReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.Tag;

/**
 * Builds MeterUsage requests from frozen reports, and nothing but the report: the same report gives the
 * same request bytes in every process and after every restart. Tags are sent sorted by key, because a
 * report's tag map has no stable iteration order across JVMs. Stateless; thread-safe.
 */
final class MeterUsageRequests {

  private MeterUsageRequests() { }

  /**
   * The request for {@code report}: its Timestamp (the hour's start in hourly mode, the cut time in
   * AgentCore mode), quantity, allocations when it has any, and its ClientToken when it has one. With no
   * token the SDK would invent one; {@link GeneratedClientTokenGuard} takes that back out.
   */
  static MeterUsageRequest of(UsageReport report) {
    MeterUsageRequest.Builder request = MeterUsageRequest.builder()
        .productCode(report.productCode())
        .usageDimension(report.dimension())
        .timestamp(report.timestamp())
        .usageQuantity(Math.toIntExact(report.quantity()));
    if (!report.allocations().isEmpty()) {
      request.usageAllocations(allocations(report.allocations()));
    }
    if (report.clientToken() != null) {
      request.clientToken(report.clientToken());
    }
    return request.build();
  }

  /** A permission check: DryRun=true for the product and dimension, quantity 0. */
  static MeterUsageRequest dryRun(String productCode, String dimension, Instant now) {
    return MeterUsageRequest.builder()
        .productCode(productCode)
        .usageDimension(dimension)
        .timestamp(now)
        .usageQuantity(0)
        .dryRun(true)
        .build();
  }

  /** The wire allocations of a report, tags sorted by key; BatchMeterUsage records carry the same shape. */
  static List<software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation> allocations(
      List<UsageAllocation> allocations) {
    List<software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation> wire =
        new ArrayList<>(allocations.size());
    for (UsageAllocation allocation : allocations) {
      software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation.Builder bucket =
          software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation.builder()
              .allocatedUsageQuantity(Math.toIntExact(allocation.quantity()));
      if (!allocation.tags().isEmpty()) {
        List<Tag> tags = new ArrayList<>(allocation.tags().size());
        for (Map.Entry<String, String> tag : new TreeMap<>(allocation.tags()).entrySet()) {
          tags.add(Tag.builder().key(tag.getKey()).value(tag.getValue()).build());
        }
        bucket.tags(tags);
      }
      wire.add(bucket.build());
    }
    return wire;
  }
}
