package io.hourmeter.spi;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A read position in every stripe of a {@link UsageJournal}: per stripe name, the position that stripe
 * resumes from ({@link UsageJournal#reader(String, long)}). A stripe it does not name is at 0, its
 * start. The {@linkplain UsageJournal#ROOT_STRIPE root stripe} {@code ""} is the single queue of a
 * journal without stripes, so a journal that has only it behaves exactly as before stripes.
 *
 * <p>The drainer persists it as its checkpoint ({@link #encode()}); a position of only the root stripe
 * encodes as the bare number a ledger held before stripes, so old ledgers read unchanged.
 *
 * <p>Immutable and thread-safe.
 */
public final class JournalPosition {
  /** Every stripe at its start. */
  public static final JournalPosition START = new JournalPosition(new TreeMap<>());
  private static final Pattern STRIPE_NAME = Pattern.compile("[A-Za-z0-9_-]{0,64}");

  private final SortedMap<String, Long> byStripe;

  private JournalPosition(TreeMap<String, Long> byStripe) {
    this.byStripe = Collections.unmodifiableSortedMap(byStripe);
  }

  /** A position in the root stripe only. */
  public static JournalPosition of(long rootPosition) {
    return START.with(UsageJournal.ROOT_STRIPE, rootPosition);
  }

  /**
   * A position per stripe name.
   *
   * @throws IllegalArgumentException if a name is not a {@linkplain #checkStripeName stripe name} or a
   *                                  position is negative
   */
  public static JournalPosition of(Map<String, Long> byStripe) {
    TreeMap<String, Long> copy = new TreeMap<>();
    byStripe.forEach((stripe, position) -> copy.put(checkStripeName(stripe), checkPosition(stripe, position)));
    return new JournalPosition(copy);
  }

  /** The position of a stripe: 0 if this position does not name it. */
  public long at(String stripe) {
    Long position = byStripe.get(stripe);
    return position == null ? 0 : position;
  }

  /** This position with {@code stripe} at {@code position}. */
  public JournalPosition with(String stripe, long position) {
    checkStripeName(stripe);
    checkPosition(stripe, position);
    Long old = byStripe.get(stripe);
    if (old != null && old == position) {
      return this;
    }
    TreeMap<String, Long> copy = new TreeMap<>(byStripe);
    copy.put(stripe, position);
    return new JournalPosition(copy);
  }

  /** This position without {@code stripe} (a stripe retention removed). */
  public JournalPosition without(String stripe) {
    if (!byStripe.containsKey(stripe)) {
      return this;
    }
    TreeMap<String, Long> copy = new TreeMap<>(byStripe);
    copy.remove(stripe);
    return new JournalPosition(copy);
  }

  /** The stripes this position names, with their positions, by name. Unmodifiable. */
  public SortedMap<String, Long> byStripe() {
    return byStripe;
  }

  /**
   * The ledger's form: the bare number for a position of the root stripe only (or of none, "0"), else
   * {@code name:position} entries joined by commas, the root stripe with an empty name.
   */
  public String encode() {
    if (byStripe.isEmpty()) {
      return "0";
    }
    if (byStripe.size() == 1 && byStripe.containsKey(UsageJournal.ROOT_STRIPE)) {
      return Long.toString(byStripe.get(UsageJournal.ROOT_STRIPE));
    }
    StringBuilder out = new StringBuilder();
    byStripe.forEach((stripe, position) -> {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(stripe).append(':').append(position);
    });
    return out.toString();
  }

  /**
   * Reads {@link #encode()}'s form.
   *
   * @throws IllegalArgumentException if {@code encoded} is not that form
   */
  public static JournalPosition decode(String encoded) {
    Objects.requireNonNull(encoded, "encoded");
    try {
      if (encoded.indexOf(':') < 0) {
        return of(Long.parseLong(encoded));
      }
      TreeMap<String, Long> byStripe = new TreeMap<>();
      for (String entry : encoded.split(",", -1)) {
        int colon = entry.lastIndexOf(':');
        if (colon < 0) {
          throw new IllegalArgumentException("no ':' in '" + entry + "'");
        }
        byStripe.put(entry.substring(0, colon), Long.parseLong(entry.substring(colon + 1)));
      }
      return of(byStripe);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a journal position: '" + encoded + "' (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Checks a stripe name: up to 64 of {@code A-Z a-z 0-9 _ -}, or empty for the root stripe (names go
   * into directory names, ledger keys and ClientToken derivations).
   *
   * @return the name
   * @throws IllegalArgumentException if it is not one
   */
  public static String checkStripeName(String stripe) {
    if (stripe == null || !STRIPE_NAME.matcher(stripe).matches()) {
      throw new IllegalArgumentException("a stripe name is up to 64 of A-Z a-z 0-9 _ - but was '" + stripe + "'");
    }
    return stripe;
  }

  private static long checkPosition(String stripe, Long position) {
    if (position == null || position < 0) {
      throw new IllegalArgumentException("stripe '" + stripe + "' position must be >= 0 but was " + position);
    }
    return position;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JournalPosition other && byStripe.equals(other.byStripe);
  }

  @Override
  public int hashCode() {
    return byStripe.hashCode();
  }

  @Override
  public String toString() {
    return "JournalPosition[" + encode() + "]";
  }
}
