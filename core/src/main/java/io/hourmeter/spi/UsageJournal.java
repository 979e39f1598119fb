package io.hourmeter.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The durable, append-only journal of usage records, rolled by hour on the injected clock.
 *
 * <p>A record is a dimension id, a customer id (0 but in SaaS mode), a quantity and a tag-set id (0
 * for no tags). Every record has a
 * position: positions increase in append order, and every position of an hour is below every position of
 * a later hour, so a position is also a resume point for {@link #reader(long)}.
 *
 * <p><b>Stripes.</b> A journal may keep its records in several independent stripes (for example a queue
 * per (process, writer slot)), so that writers share no lock. Positions are then per stripe: each
 * stripe orders its own records as above, and a reader reads one stripe
 * ({@link #reader(String, long)}); records of different stripes have no order among them but their
 * hour. Every stripe of a directory shares one hour floor: once any stripe has a record of an hour, no
 * stripe appends to an earlier hour. A journal without stripes has only the {@linkplain #ROOT_STRIPE
 * root stripe}; {@link #reader(long)} reads the root stripe, {@link #hours()} and
 * {@link #deleteHour(long)} span every stripe.
 *
 * <p>Thread-safety: {@link #append} may be called by any number of threads at once, and from several
 * processes sharing the directory; it is safe against a concurrent {@link #close()} (an append that
 * loses the race returns {@code false}). Every other method may be called from any thread.
 */
public interface UsageJournal extends AutoCloseable {

  /** The name of the root stripe: the single queue of a journal without stripes. */
  String ROOT_STRIPE = "";

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

  /**
   * The stripes that hold records now, by name, including those of processes that have exited;
   * {@code [""]} for a journal without stripes. A stripe appears before its first record can be read
   * and disappears only through {@link #deleteStripe}. Names follow
   * {@link JournalPosition#checkStripeName}.
   */
  default SortedSet<String> stripes() {
    return new TreeSet<>(Set.of(ROOT_STRIPE));
  }

  /**
   * Opens a single-threaded reader of one stripe at its first record whose position is
   * {@code fromPosition} or more.
   *
   * @throws IllegalArgumentException if there is no such stripe
   */
  default JournalReader reader(String stripe, long fromPosition) {
    if (!ROOT_STRIPE.equals(stripe)) {
      throw new IllegalArgumentException("no stripe '" + stripe + "' in " + directory());
    }
    return reader(fromPosition);
  }

  /** The epoch hours one stripe has cycle files for, oldest first (empty for an unknown stripe). */
  default NavigableSet<Long> hours(String stripe) {
    return ROOT_STRIPE.equals(stripe) ? hours() : new TreeSet<>();
  }

  /** Deletes one stripe's file of an hour, for retention; as {@link #deleteHour(long)}. */
  default boolean deleteHour(String stripe, long epochHour) {
    return ROOT_STRIPE.equals(stripe) && deleteHour(epochHour);
  }

  /**
   * Whether the writer of a stripe has gone (its process exited or closed the journal), so that
   * nothing more will ever be appended to it. The root stripe of a journal without stripes is never
   * retired.
   */
  default boolean stripeRetired(String stripe) {
    return false;
  }

  /**
   * Deletes a {@linkplain #stripeRetired retired} stripe and all its files, for retention once every
   * record in it is final. Returns whether it was deleted; never deletes a stripe that may still be
   * appended to.
   */
  default boolean deleteStripe(String stripe) {
    return false;
  }

  /** The first position an hour's records can have: below every position of that hour. */
  long firstPositionOfHour(long epochHour);

  /** The epoch hours that have cycle files on disk, oldest first (in any stripe). */
  NavigableSet<Long> hours();

  /**
   * Deletes an hour's cycle file (in every stripe), for retention. Returns whether any was deleted;
   * never deletes the hour an appender may still write to.
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
