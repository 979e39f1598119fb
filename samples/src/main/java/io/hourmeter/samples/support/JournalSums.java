package io.hourmeter.samples.support;

import io.hourmeter.Buyer;
import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.spi.UsageKey;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sums a journal per usage key and hour straight from its records, independently of the drainer: the
 * "recorded" side of the demo's books. A key is a dimension, and in SaaS mode the buyer whose usage it
 * is (the journal's customer id, named by its registry). Thread-safety: stateless; the journal must not
 * be closed meanwhile.
 */
public final class JournalSums {
  private static final int BATCH = 8192;

  private JournalSums() { }

  /** Per dimension name, per epoch hour: the units journaled, every buyer's summed. */
  public static Map<String, Map<Long, Long>> of(UsageJournal journal) {
    Map<String, Map<Long, Long>> sums = new TreeMap<>();
    byKey(journal).forEach((key, hours) -> hours.forEach((hour, units) ->
        sums.computeIfAbsent(key.dimension(), d -> new TreeMap<>()).merge(hour, units, Math::addExact)));
    return sums;
  }

  /**
   * Per usage key (buyer and dimension; no buyer outside SaaS mode), per epoch hour: the units journaled.
   *
   * @throws IllegalStateException if a record names a customer id the journal's registry does not hold
   */
  public static Map<UsageKey, Map<Long, Long>> byKey(UsageJournal journal) {
    Map<Integer, String> names = journal.dimensions();
    Map<Integer, Buyer> buyers = new HashMap<>();
    Map<UsageKey, Map<Long, Long>> sums = new TreeMap<>();
    if (journal.hours().isEmpty()) {
      return sums;
    }
    try (JournalReader reader = journal.reader(journal.firstPositionOfHour(journal.hours().first()))) {
      while (reader.read((position, epochHour, dimensionId, customerId, quantity, tagSetId) -> {
        Buyer buyer = customerId == 0 ? null : buyer(journal, buyers, customerId);
        UsageKey key = new UsageKey(buyer, names.getOrDefault(dimensionId, "#" + dimensionId));
        sums.computeIfAbsent(key, k -> new TreeMap<>()).merge(epochHour, quantity, Math::addExact);
      }, BATCH) > 0) {
        // keep reading
      }
    }
    return sums;
  }

  /** The buyer of a customer id, reading the registry's ids from the first one not yet known. */
  private static Buyer buyer(UsageJournal journal, Map<Integer, Buyer> known, int customerId) {
    Buyer buyer = known.get(customerId);
    if (buyer == null) {
      int from = known.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
      journal.customers(from).forEach((id, key) -> known.put(id, Buyer.fromKey(key)));
      buyer = known.get(customerId);
      if (buyer == null) {
        throw new IllegalStateException("the journal holds records of customer id " + customerId
            + ", which its registry does not name");
      }
    }
    return buyer;
  }
}
