package io.hourmeter.aws;

import io.hourmeter.Buyer;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageAllocation;
import io.hourmeter.spi.UsageReport;
import java.time.Instant;
import java.util.List;

/** Frozen reports for tests, as the drainer would hand them to a submitter. */
final class Reports {

  static final String PRODUCT = "prod-hourmeter1";

  private Reports() { }

  static UsageReport hourly(String dimension, Instant hourStart, long quantity) {
    return hourly(dimension, hourStart, quantity, List.of());
  }

  static UsageReport hourly(String dimension, Instant hourStart, long quantity, List<UsageAllocation> allocations) {
    return new UsageReport(1, PRODUCT, dimension, hourStart.getEpochSecond() / 3600, hourStart, quantity,
        allocations, null, -1, -1, ReportState.IN_FLIGHT, 1, false, null, null, hourStart);
  }

  static UsageReport agentCore(String dimension, Instant cut, long quantity, String token) {
    return new UsageReport(7, PRODUCT, dimension, cut.getEpochSecond() / 3600, cut, quantity, List.of(), token,
        100, 200, ReportState.IN_FLIGHT, 1, false, null, null, cut);
  }

  static UsageReport withProduct(String productCode, String dimension, Instant hourStart, long quantity) {
    return new UsageReport(1, productCode, dimension, hourStart.getEpochSecond() / 3600, hourStart, quantity,
        List.of(), null, -1, -1, ReportState.IN_FLIGHT, 1, false, null, null, hourStart);
  }

  /** A frozen SaaS report of {@code buyer}: Timestamp the hour's start, as the drainer freezes them. */
  static UsageReport saas(Buyer buyer, String dimension, Instant hourStart, long quantity) {
    return saas(buyer, dimension, hourStart, quantity, List.of());
  }

  static UsageReport saas(Buyer buyer, String dimension, Instant hourStart, long quantity,
      List<UsageAllocation> allocations) {
    return new UsageReport(1, PRODUCT, dimension, hourStart.getEpochSecond() / 3600, hourStart, quantity,
        allocations, null, -1, -1, ReportState.IN_FLIGHT, 1, false, null, null, hourStart, 0, buyer);
  }
}
