package io.hourmeter.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableSet;

/**
 * The durable, append-only journal of usage records, rolled by hour on the injected clock.
 *
 * <p>A record is a dimension id, a quantity and a tag-set id (0 for no tags). Every record has a
 * position: positions increase in append order, and every position of an hour is below every position of
 * a later hour, so a position is also a resume point for {@link #reader(long)}.
 *
 * <p>Thread-safety: {@link #append} may be called by any number of threads at once, and from several
 * processes sharing the directory; it is safe against a concurrent {@link #close()} (an append that
 * loses the race returns {@code false}). Every other method may be called from any thread.
 */
public interface UsageJournal extends AutoCloseable {

  /** The directory that holds the journal. */
  Path directory();

  /**
   * The per-journal random id, created with the directory and kept for its life. AgentCore
   * ClientTokens are derived from it, so that two installations never derive the same token.
   */
  String journalId();

  /**
   * The stable id of a dimension name in this directory: assigned on first use, persisted, and the
   * same in every process and after every restart. Ids are 1 or more.
   */
  int dimensionId(String dimension);

  /** Every dimension this directory knows, by id, including ones another process registered. */
  Map<Integer, String> dimensions();

  /**
   * Appends one record to the current hour's cycle. On return {@code true} the record survives
   * {@code kill -9} of the process. Returns {@code false}, and appends nothing, when the free-space
   * guard refuses it or the journal is closed. Never throws for infrastructure trouble.
   */
  boolean append(int dimensionId, long quantity, int tagSetId);

  /** Opens a single-threaded reader at the first record whose position is {@code fromPosition} or more. */
  JournalReader reader(long fromPosition);

  /** The first position an hour's records can have: below every position of that hour. */
  long firstPositionOfHour(long epochHour);

  /** The epoch hours that have cycle files on disk, oldest first. */
  NavigableSet<Long> hours();

  /**
   * Deletes an hour's cycle file, for retention. Returns whether it was deleted; never deletes the
   * hour an appender may still write to.
   */
  boolean deleteHour(long epochHour);

  /** Bytes the journal's files take on disk. */
  long diskBytes();

  /** Whether the free-space guard is refusing appends. */
  boolean diskLow();

  /** Closes every appender and reader; idempotent. */
  @Override
  void close();
}
