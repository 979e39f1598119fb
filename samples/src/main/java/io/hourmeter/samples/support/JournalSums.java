package io.hourmeter.samples.support;

import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.UsageJournal;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sums a journal per dimension and hour straight from its records, independently of the drainer: the
 * "recorded" side of the demo's books. Thread-safety: stateless; the journal must not be closed meanwhile.
 */
public final class JournalSums {
  private static final int BATCH = 8192;

  private JournalSums() { }

  /** Per dimension name, per epoch hour: the units journaled. */
  public static Map<String, Map<Long, Long>> of(UsageJournal journal) {
    Map<Integer, String> names = journal.dimensions();
    Map<String, Map<Long, Long>> sums = new TreeMap<>();
    if (journal.hours().isEmpty()) {
      return sums;
    }
    try (JournalReader reader = journal.reader(journal.firstPositionOfHour(journal.hours().first()))) {
      while (reader.read((position, epochHour, dimensionId, customerId, quantity, tagSetId) ->
          sums.computeIfAbsent(names.getOrDefault(dimensionId, "#" + dimensionId), d -> new TreeMap<>())
              .merge(epochHour, quantity, Math::addExact), BATCH) > 0) {
        // keep reading
      }
    }
    return sums;
  }
}
