package io.hourmeter.spi;

import java.util.Map;
import java.util.Objects;

/**
 * One bucket of a report's usage, by tags: MeterUsage's UsageAllocation. An empty tag map is the
 * bucket with no tags.
 */
public record UsageAllocation(long quantity, Map<String, String> tags) {

  public UsageAllocation {
    if (quantity < 0) {
      throw new IllegalArgumentException("quantity must be >= 0 but was " + quantity);
    }
    tags = Map.copyOf(Objects.requireNonNull(tags, "tags"));
  }
}
