package io.hourmeter.internal.drain;

import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.UsageJournal;
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
  private final JournalReader reader;
  private final Map<Integer, String> names = new HashMap<>();
  private long maxHourRead = Long.MIN_VALUE;
  private boolean caughtUp;

  JournalCursor(UsageJournal journal, long from) {
    this.journal = journal;
    this.reader = journal.reader(from);
  }

  /** Reads at most {@code max} records; returns how many. */
  int read(Sink sink, int max) {
    int n = reader.read((position, hour, dimensionId, quantity, tagSetId) -> {
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
    return reader.position();
  }

  private String name(int dimensionId) {
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
    reader.close();
  }
}
