package io.hourmeter.internal.drain;

import io.hourmeter.Buyer;
import io.hourmeter.Tags;
import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.spi.UsageKey;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drainer's read position in the journal: a reader opened at the ledger's checkpoint, which
 * resolves a record's dimension id, customer id and tag-set id to its {@link UsageKey}. Keys are
 * interned, one per (tag set, customer, dimension) seen, and found by array index (ids are small and dense), so a record
 * costs no allocation and no boxed lookup. Its position is never persisted on its own; the drainer
 * writes a checkpoint only together with what it derived from the records. Not thread-safe.
 */
final class JournalCursor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JournalCursor.class);

  /**
   * Receives each record, with its usage key and the key's dense index in this cursor (0, 1, 2, ... in
   * the order keys are first seen), so that a sink can keep sums in an array rather than hash each key.
   */
  interface Sink {
    void accept(long position, long epochHour, UsageKey key, int keyIndex, long quantity);
  }

  private final UsageJournal journal;
  private final long from;
  /** Dimension ids at or above this (never seen from a real registry) are not array-indexed. */
  private static final int MAX_INDEXED_ID = 4096;

  private JournalReader reader;
  private final Map<Integer, String> names = new HashMap<>();
  private final Map<List<Integer>, Integer> unindexed = new HashMap<>();
  /**
   * Dense key indexes + 1 (0: not seen yet) by tag-set id (0: untagged), customer id (0: no
   * customer), then dimension id; and the interned keys by index. Ints rather than objects: a record
   * reads three small arrays, not a key object, which is what a sink keyed by index needs.
   */
  private int[][][] indexes = new int[1][][];
  private UsageKey[] keysByIndex = new UsageKey[16];
  private int nextIndex;
  private Buyer[] buyers = new Buyer[1];
  private int nextCustomerId = 1;
  private final Map<Integer, Tags> tagSets = new HashMap<>();
  private long maxHourRead = Long.MIN_VALUE;
  private boolean caughtUp;

  JournalCursor(UsageJournal journal, long from) {
    this.journal = journal;
    this.from = from;
    this.reader = open(journal, from);
  }
  /**
   * A reader at the first record at or after {@code from}, or {@code null} if none can be opened yet.
   * Some journals cannot open a reader at a position in an hour that has no cycle file (a checkpoint
   * taken at the start of the next hour); then the reader starts at the first later hour on disk, which
   * holds the first record at or after {@code from}, or waits until one exists. If the position's hour
   * does have a file, the failure is rethrown: skipping ahead there would skip records.
   */
  static JournalReader open(UsageJournal journal, long from) {
    try {
      return journal.reader(from);
    } catch (RuntimeException e) {
      for (long hour : journal.hours()) {
        long first = journal.firstPositionOfHour(hour);
        if (first <= from && from < journal.firstPositionOfHour(hour + 1)) {
          throw e;
        }
        if (first >= from) {
          LOG.debug("no reader at {} ({}); its hour has no cycle file, starting at hour {}", from, e.toString(), hour);
          return journal.reader(first);
        }
      }
      LOG.debug("no reader at {} yet ({}); nothing to read", from, e.toString());
      return null;
    }
  }

  /** Reads at most {@code max} records; returns how many. */
  int read(Sink sink, int max) {
    if (reader == null) {
      reader = open(journal, from);
      if (reader == null) {
        caughtUp = true;
        return 0;
      }
    }
    int n = reader.read((position, hour, dimensionId, customerId, quantity, tagSetId) -> {
      maxHourRead = Math.max(maxHourRead, hour);
      int index = index(tagSetId, customerId, dimensionId);
      sink.accept(position, hour, keysByIndex[index], index, quantity);
    }, max);
    caughtUp = n < max;
    return n;
  }

  /** Whether the last read reached the end of what the journal holds now. */
  boolean caughtUp() {
    return caughtUp;
  }

  /** The latest hour of any record read so far. */
  long maxHourRead() {
    return maxHourRead;
  }

  long position() {
    return reader == null ? from : reader.position();
  }

  private int index(int tagSetId, int customerId, int dimensionId) {
    int[][][] byTagSet = indexes;
    if (tagSetId >= 0 && tagSetId < byTagSet.length && customerId >= 0 && dimensionId >= 0) {
      int[][] all = byTagSet[tagSetId];
      if (all != null && customerId < all.length) {
        int[] byDimension = all[customerId];
        if (byDimension != null && dimensionId < byDimension.length) {
          int known = byDimension[dimensionId];
          if (known != 0) {
            return known - 1;
          }
        }
      }
    }
    return intern(tagSetId, customerId, dimensionId);
  }

  private int intern(int tagSetId, int customerId, int dimensionId) {
    List<Integer> ids = List.of(tagSetId, customerId, dimensionId);
    Integer known = unindexed.get(ids);
    if (known != null) {
      return known;
    }
    UsageKey key = new UsageKey(customerId == 0 ? null : buyer(customerId), lookUp(dimensionId),
        tagSetId == 0 ? Tags.NONE : tags(tagSetId));
    int index = nextIndex++;
    if (index >= keysByIndex.length) {
      keysByIndex = Arrays.copyOf(keysByIndex, keysByIndex.length * 2);
    }
    keysByIndex[index] = key;
    if (tagSetId < 0 || tagSetId >= MAX_INDEXED_ID || customerId < 0 || dimensionId < 0
        || dimensionId >= MAX_INDEXED_ID) {
      unindexed.put(ids, index);
      return index;
    }
    if (tagSetId >= indexes.length) {
      indexes = Arrays.copyOf(indexes, Math.max(tagSetId + 1, indexes.length * 2));
    }
    if (indexes[tagSetId] == null || customerId >= indexes[tagSetId].length) {
      int[][] old = indexes[tagSetId];
      indexes[tagSetId] = old == null ? new int[customerId + 1][]
          : Arrays.copyOf(old, Math.max(customerId + 1, old.length * 2));
    }
    int[][] byCustomer = indexes[tagSetId];
    int[] byDimension = byCustomer[customerId];
    if (byDimension == null || dimensionId >= byDimension.length) {
      byDimension = byDimension == null ? new int[dimensionId + 1] : Arrays.copyOf(byDimension, dimensionId + 1);
      byCustomer[customerId] = byDimension;
    }
    byDimension[dimensionId] = index + 1;
    return index;
  }

  /** The buyer of a customer id, reading only the registrations made since the last lookup. */
  private Buyer buyer(int customerId) {
    if (customerId >= nextCustomerId || buyers[customerId] == null) {
      Map<Integer, String> fresh = journal.customers(nextCustomerId);
      for (Map.Entry<Integer, String> e : fresh.entrySet()) {
        int id = e.getKey();
        if (id >= buyers.length) {
          buyers = Arrays.copyOf(buyers, Math.max(id + 1, buyers.length * 2));
        }
        buyers[id] = Buyer.fromKey(e.getValue());
        nextCustomerId = Math.max(nextCustomerId, id + 1);
      }
    }
    if (customerId >= buyers.length || buyers[customerId] == null) {
      LOG.error("journal record with unknown customer id {}; reported as the CustomerIdentifier 'unknown-{}'",
          customerId, customerId);
      return Buyer.ofCustomerIdentifier("unknown-" + customerId);
    }
    return buyers[customerId];
  }

  /** The tag set of an id, rereading the registry only for an id not seen yet. */
  private Tags tags(int tagSetId) {
    Tags known = tagSets.get(tagSetId);
    if (known == null) {
      journal.tagSets(1).forEach((id, encoded) -> tagSets.putIfAbsent(id, Tags.decode(encoded)));
      known = tagSets.get(tagSetId);
      if (known == null) {
        LOG.error("journal record with unknown tag-set id {}; reported with the tag hourmeter:unknown-tag-set={}",
            tagSetId, tagSetId);
        known = Tags.of("hourmeter:unknown-tag-set", Integer.toString(tagSetId));
        tagSets.put(tagSetId, known);
      }
    }
    return known;
  }

  private String lookUp(int dimensionId) {
    String name = names.get(dimensionId);
    if (name == null) {
      names.putAll(journal.dimensions());
      name = names.get(dimensionId);
      if (name == null) {
        LOG.error("journal record with unknown dimension id {}; reported as 'unknown-{}'", dimensionId,
            dimensionId);
        name = "unknown-" + dimensionId;
        names.put(dimensionId, name);
      }
    }
    return name;
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.close();
    }
  }
}
