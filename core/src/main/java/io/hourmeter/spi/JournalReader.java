package io.hourmeter.spi;

/**
 * Reads journal records in position order. Single-threaded: one thread opens, uses and closes it.
 * It never hands out a torn or half-written record.
 */
public interface JournalReader extends AutoCloseable {

  /**
   * Reads at most {@code maxRecords} records that are complete now, handing each to the visitor, and
   * returns how many it read (0 when it is at the end for now; more may come later).
   */
  int read(JournalVisitor visitor, int maxRecords);

  /** The position to resume from: one past the last record read, or where the reader was opened. */
  long position();

  @Override
  void close();
}
