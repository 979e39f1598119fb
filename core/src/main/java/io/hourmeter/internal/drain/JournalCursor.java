package io.hourmeter.internal.drain;

import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.UsageJournal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drainer's read position in the journal: a reader opened at the ledger's checkpoint, which
 * resolves dimension ids to names. Its position is never persisted on its own; the drainer writes a
 * checkpoint only together with what it derived from the records. Not thread-safe.
 */
final class JournalCursor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JournalCursor.class);

  /** Receives each record, with its dimension's name. */
  interface Sink {
    void accept(long position, long epochHour, String dimension, long quantity);
  }

  private final UsageJournal journal;
  private final long from;
  /** Ids at or above this (never seen from a real registry) are looked up without an array slot. */
  private static final int MAX_INDEXED_ID = 4096;

  private JournalReader reader;
  private final Map<Integer, String> names = new HashMap<>();
  /** The same names indexed by id (ids are small and dense): a record costs no boxed map lookup. */
  private String[] namesById = new String[0];
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
      sink.accept(position, hour, name(dimensionId), quantity);
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

  private String name(int dimensionId) {
    String[] byId = namesById;
    if (dimensionId >= 0 && dimensionId < byId.length && byId[dimensionId] != null) {
      return byId[dimensionId];
    }
    String name = lookUp(dimensionId);
    if (dimensionId >= 0 && dimensionId < MAX_INDEXED_ID) {
      if (dimensionId >= byId.length) {
        namesById = byId = Arrays.copyOf(byId, dimensionId + 1);
      }
      byId[dimensionId] = name;
    }
    return name;
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
