package io.hourmeter.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableSet;

/**
 * The durable, append-only journal of usage records, rolled by hour on the injected clock.
 *
 * <p>A record is a dimension id, a customer id (0 but in SaaS mode), a quantity and a tag-set id (0
 * for no tags). Every record has a
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
   * Whether records can carry a customer id ({@link #append(int, int, long, int)} with one above 0 and
   * {@link #customerId}): SaaS mode needs it, and {@code build()} refuses a SaaS meter on a journal
   * without it.
   */
  default boolean supportsCustomers() {
    return false;
  }

  /**
   * The stable id of a SaaS buyer's canonical key ({@link io.hourmeter.Buyer#key()}) in this
   * directory: assigned on first use, persisted before it is returned, and the same in every process and
   * after every restart. Ids are 1 or more. A directory may hold 100,000 customers and more, so an
   * implementation must not reread or rewrite what it holds for each new one.
   *
   * @throws UnsupportedOperationException if {@link #supportsCustomers()} is {@code false}
   */
  default int customerId(String customerKey) {
    throw new UnsupportedOperationException("this journal does not record customers");
  }

  /**
   * Customers with ids {@code fromId} or more, by id, including ones another process registered; so a
   * reader that knows ids below {@code fromId} reads only what is new.
   */
  default Map<Integer, String> customers(int fromId) {
    return Map.of();
  }

  /**
   * The stable id of a tag set ({@link io.hourmeter.Tags#encoded()}) in this directory, registered
   * like dimensions and customers: assigned on first use, persisted before it is returned, the same in
   * every process. Ids are 1 or more; 0 is untagged usage.
   *
   * @throws UnsupportedOperationException if the journal does not record tag sets
   */
  default int tagSetId(String encodedTags) {
    throw new UnsupportedOperationException("this journal does not record tag sets");
  }

  /** Tag sets with ids {@code fromId} or more, by id (encoded), including ones another process registered. */
  default Map<Integer, String> tagSets(int fromId) {
    return Map.of();
  }

  /**
   * Appends one record of a customer's usage ({@code customerId} from {@link #customerId}, or 0 for
   * none); otherwise as {@link #append(int, long, int)}.
   *
   * @throws UnsupportedOperationException if {@code customerId} is not 0 and the journal does not
   *                                       {@linkplain #supportsCustomers() support customers}
   */
  default boolean append(int dimensionId, int customerId, long quantity, int tagSetId) {
    if (customerId != 0) {
      throw new UnsupportedOperationException("this journal does not record customers");
    }
    return append(dimensionId, quantity, tagSetId);
  }

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
