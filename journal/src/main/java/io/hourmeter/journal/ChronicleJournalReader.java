package io.hourmeter.journal;

import io.hourmeter.journal.internal.RecordCodec;
import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.JournalVisitor;
import java.nio.file.Path;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads a journal with a Chronicle tailer, from the first record whose index is at or after the position
 * it was opened at. Positions are Chronicle indices (cycle in the high bits, sequence in the low bits),
 * so they order by hour, then by append. Chronicle only hands out complete documents, so a record torn
 * by a crash is never read. Both record layouts of {@link RecordCodec} are read, told apart by their
 * payload length (a record of no customer has customer id 0); other documents are skipped.
 *
 * <p>Thread-safety: single-threaded, as Chronicle tailers are: one thread opens, reads and closes it.
 * The journal's {@code close()} may close it from another thread, through the close gate.
 */
final class ChronicleJournalReader extends CloseGate.User implements JournalReader {
  /** Rounds of "look for the index, else check that nothing at or after it was written meanwhile". */
  private static final int MAX_POSITIONING_ATTEMPTS = 8;
  private final SingleChronicleQueue queue;
  private final Path directory;
  private final RollCycle rollCycle;
  private final CloseGate gate;
  private final Consumer<ChronicleJournalReader> onClose;
  private final ExcerptTailer tailer;
  private final long from;
  private long position;
  private boolean closed;

  ChronicleJournalReader(SingleChronicleQueue queue, Path directory, CloseGate gate, long fromPosition,
      Consumer<ChronicleJournalReader> onClose) {
    this.queue = queue;
    this.directory = directory;
    this.rollCycle = queue.rollCycle();
    this.gate = gate;
    this.onClose = onClose;
    this.from = Math.max(0, fromPosition);
    this.position = from;
    this.tailer = queue.createTailer();
    moveToFirstAtOrAfter(from);
  }

  /**
   * Puts the tailer at or before the first record with an index of {@code from} or more; {@link #read}
   * skips any record below {@code from}, so being early is safe and being late is impossible.
   *
   * <p>It never jumps to the end: the end moves while appenders write (another thread, another
   * process), so "the end" taken a moment after finding no record at {@code from} may already lie past
   * one. When no record at or after {@code from} exists yet, the tailer goes to the last record
   * written, below {@code from}, and the check is repeated: if a record at or after {@code from}
   * appeared in between, the tailer moves to it instead.
   */
  private void moveToFirstAtOrAfter(long index) {
    for (int attempt = 0; attempt < MAX_POSITIONING_ATTEMPTS; attempt++) {
      NavigableSet<Long> hours = CycleFiles.hours(directory);
      int cycle = rollCycle.toCycle(index);
      if (hours.isEmpty() || cycle < hours.first() || index <= rollCycle.toIndex(hours.first().intValue(), 0)) {
        tailer.toStart();
        return;
      }
      // Its own cycle if that has the index, else the first record of the next cycle that has one.
      for (Long existing : hours.tailSet((long) cycle, true)) {
        long candidate = existing == cycle ? index : rollCycle.toIndex(existing.intValue(), 0);
        if (moveTo(candidate)) {
          return;
        }
      }
      // Nothing at or after the index was found; the last record now is below it, unless one came since.
      long last = queue.lastIndex();
      if (last < index) {
        if (last < 0 || !moveTo(last)) {
          tailer.toStart();
        }
        return;
      }
    }
    // Records at or after the index keep appearing where no tailer finds them (retention deleting
    // files as we look, say): the start is slow to read from but never late.
    tailer.toStart();
  }

  /** Moves the tailer to an index; false if it is not there (past the end, or its file is gone). */
  private boolean moveTo(long index) {
    try {
      return tailer.moveToIndex(index);
    } catch (IllegalStateException missingFile) {
      // Chronicle throws, rather than returning false, for a cycle whose file is gone (retention).
      return false;
    }
  }

  @Override
  public int read(JournalVisitor visitor, int maxRecords) {
    Objects.requireNonNull(visitor, "visitor");
    if (maxRecords < 0) {
      throw new IllegalArgumentException("maxRecords must be >= 0 but was " + maxRecords);
    }
    busy = true;
    try {
      if (closed || gate.closed) {
        return 0;
      }
      int read = 0;
      while (read < maxRecords) {
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent()) {
            break;
          }
          long index = dc.index();
          Bytes<?> bytes = dc.wire().bytes();
          if (index < from || !RecordCodec.isRecord(bytes)) {
            continue;
          }
          boolean hasCustomer = RecordCodec.hasCustomer(bytes);
          int dimensionId = bytes.readInt();
          int customerId = hasCustomer ? bytes.readInt() : 0;
          long quantity = bytes.readLong();
          int tagSetId = bytes.readInt();
          try {
            visitor.onRecord(index, rollCycle.toCycle(index), dimensionId, customerId, quantity, tagSetId);
          } catch (RuntimeException | Error e) {
            // The visitor did not take the record: leave the tailer on it.
            dc.rollbackOnClose();
            throw e;
          }
          position = index + 1;
          read++;
        }
      }
      return read;
    } finally {
      busy = false;
    }
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public void close() {
    busy = true;
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (!gate.closed) {
        tailer.close();
      }
    } finally {
      busy = false;
    }
    onClose.accept(this);
  }

  /** Called by the journal's close, once the gate is closed and this reader is idle. */
  void closeFromJournal() {
    if (!closed) {
      closed = true;
      tailer.close();
    }
  }
}
