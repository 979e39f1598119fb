package io.hourmeter.spi;

import io.hourmeter.Buyer;
import java.util.Comparator;
import java.util.Objects;

/**
 * What usage is summed, frozen, carried and quarantined under, in every mode: a dimension, and in SaaS
 * mode the buyer whose usage it is. One report per key per hour (hourly and SaaS) or per range
 * (AgentCore); the carry pool and the journal units the ledger accounts are kept per key. A key without
 * a buyer is the key of the modes that meter the buyer's own account, and is written in the ledger
 * exactly as the dimension alone was before buyers existed, so old ledgers read unchanged.
 *
 * @param buyer     the SaaS buyer, or {@code null}
 * @param dimension the UsageDimension
 */
public record UsageKey(Buyer buyer, String dimension) implements Comparable<UsageKey> {
  private static final Comparator<UsageKey> ORDER = Comparator
      .comparing((UsageKey k) -> k.buyer == null ? "" : k.buyer.key())
      .thenComparing(UsageKey::dimension);

  public UsageKey {
    Objects.requireNonNull(dimension, "dimension");
  }

  /** The key of a dimension of the buyer's own account (hourly and AgentCore modes). */
  public static UsageKey of(String dimension) {
    return new UsageKey(null, dimension);
  }

  /**
   * The key as one string, for the ledger: the dimension alone without a buyer (as ledgers wrote it
   * before buyers existed), else the buyer's key, U+0001, and the dimension. Neither
   * dimension names nor buyer keys may hold control characters, so the separator is unambiguous.
   */
  public String encoded() {
    return buyer == null ? dimension : buyer.key() + SEPARATOR + dimension;
  }

  /** Reverses {@link #encoded()}. */
  public static UsageKey decode(String encoded) {
    int at = encoded.indexOf(SEPARATOR);
    return at < 0 ? of(encoded) : new UsageKey(Buyer.fromKey(encoded.substring(0, at)), encoded.substring(at + 1));
  }

  private static final char SEPARATOR = '\u0001';

  /** Buyers first by canonical key (no buyer first), then dimensions: a stable order for freezing. */
  @Override
  public int compareTo(UsageKey other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return buyer == null ? dimension : buyer.key() + " " + dimension;
  }
}
