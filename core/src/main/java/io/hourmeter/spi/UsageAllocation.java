package io.hourmeter.spi;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One bucket of a report's usage, by tags: MeterUsage's UsageAllocation. An empty tag map is the
 * bucket with no tags. Tags are kept sorted by key, so that a report encodes, and is sent, the same way
 * in every JVM: a resend must be byte-identical.
 */
public record UsageAllocation(long quantity, Map<String, String> tags) {

  public UsageAllocation {
    if (quantity < 0) {
      throw new IllegalArgumentException("quantity must be >= 0 but was " + quantity);
    }
    tags = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(tags, "tags")));
  }
}
