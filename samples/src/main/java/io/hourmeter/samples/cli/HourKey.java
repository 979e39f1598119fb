package io.hourmeter.samples.cli;

import java.util.Comparator;

/**
 * One row of the hourly views: an hour, the SaaS buyer's key ({@code null} outside SaaS) and a
 * dimension; ordered by hour, then buyer key (none first), then dimension, as the ledger freezes them.
 */
record HourKey(long epochHour, String buyer, String dimension) implements Comparable<HourKey> {
  private static final Comparator<HourKey> ORDER = Comparator.comparingLong(HourKey::epochHour)
      .thenComparing(k -> k.buyer == null ? "" : k.buyer)
      .thenComparing(HourKey::dimension);

  @Override
  public int compareTo(HourKey other) {
    return ORDER.compare(this, other);
  }
}
