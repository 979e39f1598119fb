package io.hourmeter;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A tag set of a MeterUsage UsageAllocation: 1 to 5 tags, keys sorted, validated against the model's
 * rules when it is made, so a handle made from it ({@link Dimension#allocation(Tags)}) can never
 * produce a report AWS refuses with InvalidTagException. Immutable and thread-safe.
 *
 * <p>{@link #NONE} is the empty set of untagged usage; it is what usage recorded on a plain handle
 * carries, and is not accepted by {@link Dimension#allocation(Tags)}.
 */
public final class Tags {
  /** The model's pattern for a tag key and value: {@code ^[a-zA-Z0-9+ -=._:\/@]+$}. */
  public static final Pattern PATTERN = Pattern.compile("^[a-zA-Z0-9+ -=._:\\/@]+$");
  /** Most tags in one allocation. */
  public static final int MAX_TAGS = 5;
  /** Longest tag key, in characters. */
  public static final int MAX_KEY_LENGTH = 100;
  /** Longest tag value, in characters. */
  public static final int MAX_VALUE_LENGTH = 256;
  /** No tags: untagged usage. */
  public static final Tags NONE = new Tags(new TreeMap<>());

  private static final char KEY_END = '\u0002';
  private static final char TAG_END = '\u0003';

  private final SortedMap<String, String> tags;
  private final String encoded;

  private Tags(TreeMap<String, String> tags) {
    this.tags = Collections.unmodifiableSortedMap(tags);
    StringBuilder b = new StringBuilder();
    tags.forEach((k, v) -> b.append(k).append(KEY_END).append(v).append(TAG_END));
    this.encoded = b.toString();
  }

  /**
   * A tag set from alternating keys and values: {@code Tags.of("team", "blue", "env", "prod")}.
   *
   * @throws IllegalArgumentException naming the rule broken: an odd count, none or more than 5 tags,
   *                                  a key outside 1..100 or a value outside 1..256 characters, a
   *                                  character outside the model's pattern, or a duplicate key
   */
  public static Tags of(String... keysAndValues) {
    Objects.requireNonNull(keysAndValues, "keysAndValues");
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("tags come as key, value pairs, but " + keysAndValues.length
          + " strings were given");
    }
    TreeMap<String, String> map = new TreeMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      String key = keysAndValues[i];
      if (map.containsKey(key)) {
        throw new IllegalArgumentException("duplicate tag key '" + key + "': each key at most once");
      }
      map.put(key, keysAndValues[i + 1]);
    }
    return of(map);
  }

  /** A tag set from a map; validated as {@link #of(String...)}. */
  public static Tags of(Map<String, String> tags) {
    Objects.requireNonNull(tags, "tags");
    if (tags.isEmpty() || tags.size() > MAX_TAGS) {
      throw new IllegalArgumentException("an allocation has 1.." + MAX_TAGS + " tags, not " + tags.size());
    }
    TreeMap<String, String> map = new TreeMap<>();
    tags.forEach((k, v) -> {
      check("tag key", k, MAX_KEY_LENGTH);
      check("tag value of '" + k + "'", v, MAX_VALUE_LENGTH);
      map.put(k, v);
    });
    return new Tags(map);
  }

  private static void check(String what, String s, int max) {
    if (s == null || s.isEmpty() || s.length() > max) {
      throw new IllegalArgumentException(what + " must be 1.." + max + " characters: "
          + (s == null ? "null" : "'" + s + "' has " + s.length()));
    }
    if (!PATTERN.matcher(s).matches()) {
      throw new IllegalArgumentException(what + " '" + s + "' has a character outside the pattern " + PATTERN);
    }
  }

  /** The tags, sorted by key; empty for {@link #NONE}. */
  public SortedMap<String, String> asMap() {
    return tags;
  }

  /** Whether this is {@link #NONE}. */
  public boolean isEmpty() {
    return tags.isEmpty();
  }

  /**
   * The set as one string, keys sorted, for the journal's tag-set registry and the ledger: each tag is
   * key, U+0002, value, U+0003. The pattern allows no control characters, so it is unambiguous.
   * {@link #NONE} encodes as the empty string.
   */
  public String encoded() {
    return encoded;
  }

  /** Reverses {@link #encoded()}, without validating again (the text was valid when encoded). */
  public static Tags decode(String encoded) {
    TreeMap<String, String> map = new TreeMap<>();
    int at = 0;
    while (at < encoded.length()) {
      int keyEnd = encoded.indexOf(KEY_END, at);
      int tagEnd = encoded.indexOf(TAG_END, keyEnd);
      map.put(encoded.substring(at, keyEnd), encoded.substring(keyEnd + 1, tagEnd));
      at = tagEnd + 1;
    }
    return map.isEmpty() ? NONE : new Tags(map);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tags t && t.encoded.equals(encoded);
  }

  @Override
  public int hashCode() {
    return encoded.hashCode();
  }

  /** {@code team=blue,env=prod} style, for logs and the CLI; empty for {@link #NONE}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    tags.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return b.toString();
  }
}
