package io.hourmeter.internal.drain;

import io.hourmeter.spi.UsageKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Groups usage keys by {@link UsageKey#base()} (buyer and dimension), each group one report whose
 * allocations are its keys' tag sets. Stateless.
 */
final class ReportGroups {
  private ReportGroups() {
  }

  /**
   * The keys grouped by base, in key order, each key with its own units from {@code own}. Sorted keys
   * put a base's tag sets next to one another (the untagged one first), so one pass groups them.
   */
  static List<SortedMap<UsageKey, BigInteger>> byBase(SortedSet<UsageKey> keys, Function<UsageKey, BigInteger> own) {
    List<SortedMap<UsageKey, BigInteger>> groups = new ArrayList<>();
    SortedMap<UsageKey, BigInteger> group = null;
    UsageKey base = null;
    for (UsageKey key : keys) {
      UsageKey b = key.base();
      if (!b.equals(base)) {
        group = new TreeMap<>();
        groups.add(group);
        base = b;
      }
      group.put(key, own.apply(key));
    }
    return groups;
  }
}
