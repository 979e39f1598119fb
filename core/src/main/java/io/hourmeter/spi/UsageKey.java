package io.hourmeter.spi;

import io.hourmeter.Buyer;
import io.hourmeter.Tags;
import java.util.Comparator;
import java.util.Objects;

/**
 * What usage is summed, frozen, carried and quarantined under, in every mode: a dimension, and in SaaS
 * mode the buyer whose usage it is. One report per key per hour (hourly and SaaS) or per range
 * (AgentCore); the carry pool and the journal units the ledger accounts are kept per key. A key without
 * a buyer is the key of the modes that meter the buyer's own account, and is written in the ledger
 * exactly as the dimension alone was before buyers existed, so old ledgers read unchanged.
 *
 *
 * <p>Usage recorded on an allocation handle is summed and carried per tag set too: the tag set is
 * part of the key, {@link Tags#NONE} for untagged usage. A report covers every tag set of one
 * {@link #base()} key, one UsageAllocation each.
 *
 * @param buyer     the SaaS buyer, or {@code null}
 * @param dimension the UsageDimension
 * @param tags      the tag set, {@link Tags#NONE} for untagged usage
 */
public record UsageKey(Buyer buyer, String dimension, Tags tags) implements Comparable<UsageKey> {
  private static final Comparator<UsageKey> ORDER = Comparator
      .comparing((UsageKey k) -> k.buyer == null ? "" : k.buyer.key())
      .thenComparing(UsageKey::dimension)
      .thenComparing(k -> k.tags.encoded());

  public UsageKey {
    Objects.requireNonNull(dimension, "dimension");
    tags = tags == null ? Tags.NONE : tags;
  }

  /** An untagged key. */
  public UsageKey(Buyer buyer, String dimension) {
    this(buyer, dimension, Tags.NONE);
  }

  /** This key without its tag set: what one report is per hour or range. */
  public UsageKey base() {
    return tags.isEmpty() ? this : new UsageKey(buyer, dimension, Tags.NONE);
  }

  /** The key of a dimension of the buyer's own account (hourly and AgentCore modes). */
  public static UsageKey of(String dimension) {
    return new UsageKey(null, dimension);
  }

  /**
   * The key as one string, for the ledger: the dimension alone without a buyer (as ledgers wrote it
   * before buyers existed), else the buyer's key, U+0001, and the dimension. Neither
   * dimension names nor buyer keys may hold control characters, so the separator is unambiguous. A
   * tagged key adds U+0004 and {@link Tags#encoded()}; an untagged one is written as before tags
   * existed.
   */
  public String encoded() {
    String base = buyer == null ? dimension : buyer.key() + SEPARATOR + dimension;
    return tags.isEmpty() ? base : base + TAGS_SEPARATOR + tags.encoded();
  }

  /** Reverses {@link #encoded()}. */
  public static UsageKey decode(String encoded) {
    int t = encoded.indexOf(TAGS_SEPARATOR);
    Tags tags = t < 0 ? Tags.NONE : Tags.decode(encoded.substring(t + 1));
    String base = t < 0 ? encoded : encoded.substring(0, t);
    int at = base.indexOf(SEPARATOR);
    return at < 0 ? new UsageKey(null, base, tags)
        : new UsageKey(Buyer.fromKey(base.substring(0, at)), base.substring(at + 1), tags);
  }

  private static final char SEPARATOR = '\u0001';
  private static final char TAGS_SEPARATOR = '\u0004';

  /** Buyers first by canonical key (no buyer first), then dimensions: a stable order for freezing. */
  @Override
  public int compareTo(UsageKey other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    String base = buyer == null ? dimension : buyer.key() + " " + dimension;
    return tags.isEmpty() ? base : base + " [" + tags + "]";
  }
}
