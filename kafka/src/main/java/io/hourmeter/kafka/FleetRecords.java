package io.hourmeter.kafka;

import io.hourmeter.Buyer;
import io.hourmeter.Tags;
import io.hourmeter.spi.UsageKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The three record kinds on the fleet's topics and their one encoding: UTF-8 lines, the first naming
 * the kind and format version. Keys and tag sets are written as {@link UsageKey#encoded()} and
 * {@link Tags#encoded()} write them (their separators are control characters that no name may hold,
 * so tabs and newlines are free). Encoding is a pure function of the value: a resend is
 * byte-identical. Stateless and thread-safe.
 */
final class FleetRecords {
  static final String PARTIAL = "hourmeter-partial/1";
  static final String FINAL = "hourmeter-final/1";
  static final String CARRY = "hourmeter-carry/1";
  static final String OUTCOME = "hourmeter-outcome/1";

  /** Tag sets in their encoded order: the order units are written in. */
  static final java.util.Comparator<Tags> TAG_ORDER = java.util.Comparator.comparing(Tags::encoded);

  private FleetRecords() { }

  /** An empty, writable map of units by tag set, in {@link #TAG_ORDER}. */
  static SortedMap<Tags, TagUnits> newUnits() {
    return new TreeMap<>(TAG_ORDER);
  }

  private static SortedMap<Tags, TagUnits> copy(java.util.Map<Tags, TagUnits> units) {
    SortedMap<Tags, TagUnits> copy = newUnits();
    copy.putAll(units);
    return java.util.Collections.unmodifiableSortedMap(copy);
  }

  /** Units of one tag set: those of the record's own hour, and those carried in from other hours. */
  record TagUnits(long own, long carried) {
    TagUnits {
      if (own < 0 || carried < 0) {
        throw new IllegalArgumentException("units must be >= 0: " + own + ", " + carried);
      }
    }

    TagUnits plus(TagUnits other) {
      return new TagUnits(Math.addExact(own, other.own), Math.addExact(carried, other.carried));
    }

    long total() {
      return Math.addExact(own, carried);
    }
  }

  /**
   * One host's frozen report of one (buyer, dimension, hour), all its tag sets. Its identity (journal
   * id, buyer, dimension, hour) is what the aggregator deduplicates by: a host freezes one report per
   * buyer, dimension and hour, covering every tag set of it, and resends it unchanged.
   *
   * @param journalId the host journal's random id
   * @param reportId  the report's id in the host's ledger (for tracing)
   * @param epochHour the hour the usage belongs to
   * @param key       buyer and dimension, without tags
   * @param units     per tag set ({@link Tags#NONE} for untagged usage): own units are the hour's, carried
   *                  ones came from the host's carry pool
   */
  record Partial(String journalId, long reportId, long epochHour, UsageKey key, SortedMap<Tags, TagUnits> units) {
    Partial {
      Objects.requireNonNull(journalId, "journalId");
      Objects.requireNonNull(key.buyer(), "a partial names a buyer");
      units = copy(units);
    }

    /** What the aggregator deduplicates by. */
    String identity() {
      return journalId + '\u0001' + key.encoded() + '\u0001' + epochHour;
    }
  }

  /**
   * The aggregator's one record for a buyer-dimension-hour, all hosts summed.
   *
   * @param epochHour the hour; the Timestamp sent is its start
   * @param key       buyer and dimension, without tags
   * @param units     per tag set: own units of the hour, and units carried in (late partials, carries back
   *                  from the sender)
   */
  record HourFinal(long epochHour, UsageKey key, SortedMap<Tags, TagUnits> units) {
    HourFinal {
      Objects.requireNonNull(key.buyer(), "a final names a buyer");
      units = copy(units);
    }
  }

  /**
   * Units the sender could not report in their hour (the window passed, TimestampOutOfBounds, more than a
   * record holds), going back to the aggregator, into the key's next open hour.
   *
   * @param carryId   unique per carry, what the aggregator deduplicates by
   * @param fromHour  the hour they were last in (for tracing)
   * @param key       buyer, dimension and tag set
   * @param units     how many
   */
  record Carry(String carryId, long fromHour, UsageKey key, long units) {
    Carry {
      Objects.requireNonNull(carryId, "carryId");
      Objects.requireNonNull(key.buyer(), "a carry names a buyer");
    }
  }

  /**
   * What became of one final at AWS, for the record and for tools (the aggregator ignores it).
   *
   * @param outcomeId        the sender's id and report id
   * @param epochHour        the report's hour
   * @param key              buyer and dimension
   * @param quantity         the quantity sent
   * @param state            the report's final state (ACCEPTED, CARRIED, DEAD_LETTERED)
   * @param meteringRecordId AWS's record id when accepted, else empty
   * @param reason           why it was carried or dead-lettered, else empty
   */
  record ReportOutcome(String outcomeId, long epochHour, UsageKey key, long quantity, String state,
      String meteringRecordId, String reason) { }

  static byte[] encode(Partial p) {
    StringBuilder b = new StringBuilder(128).append(PARTIAL).append('\n')
        .append(p.journalId()).append('\n').append(p.reportId()).append('\n').append(p.epochHour()).append('\n')
        .append(p.key().encoded()).append('\n');
    appendUnits(b, p.units());
    return bytes(b);
  }

  static byte[] encode(HourFinal f) {
    StringBuilder b = new StringBuilder(128).append(FINAL).append('\n')
        .append(f.epochHour()).append('\n').append(f.key().encoded()).append('\n');
    appendUnits(b, f.units());
    return bytes(b);
  }

  static byte[] encode(Carry c) {
    return bytes(new StringBuilder(128).append(CARRY).append('\n').append(c.carryId()).append('\n')
        .append(c.fromHour()).append('\n').append(c.key().encoded()).append('\n').append(c.units()).append('\n'));
  }

  static byte[] encode(ReportOutcome o) {
    return bytes(new StringBuilder(128).append(OUTCOME).append('\n').append(o.outcomeId()).append('\n')
        .append(o.epochHour()).append('\n').append(o.key().encoded()).append('\n').append(o.quantity()).append('\n')
        .append(o.state()).append('\n').append(o.meteringRecordId()).append('\n')
        .append(o.reason().replace('\n', ' ')).append('\n'));
  }

  /** The kind line of an encoded record. */
  static String kind(byte[] value) {
    String text = new String(value, StandardCharsets.UTF_8);
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }

  static Partial decodePartial(byte[] value) {
    String[] lines = lines(value, PARTIAL, 6);
    return new Partial(lines[1], Long.parseLong(lines[2]), Long.parseLong(lines[3]), UsageKey.decode(lines[4]),
        units(lines, 5));
  }

  static HourFinal decodeFinal(byte[] value) {
    String[] lines = lines(value, FINAL, 4);
    return new HourFinal(Long.parseLong(lines[1]), UsageKey.decode(lines[2]), units(lines, 3));
  }

  static Carry decodeCarry(byte[] value) {
    String[] lines = lines(value, CARRY, 5);
    return new Carry(lines[1], Long.parseLong(lines[2]), UsageKey.decode(lines[3]), Long.parseLong(lines[4]));
  }

  static ReportOutcome decodeOutcome(byte[] value) {
    String[] lines = lines(value, OUTCOME, 8);
    return new ReportOutcome(lines[1], Long.parseLong(lines[2]), UsageKey.decode(lines[3]),
        Long.parseLong(lines[4]), lines[5], lines[6], lines[7]);
  }

  /** The record key of a buyer's records on every topic: its {@link Buyer#key()}. */
  static String recordKey(Buyer buyer) {
    return buyer.key();
  }

  /** Units by tag set as text (the aggregator's sums store). */
  static String unitsText(SortedMap<Tags, TagUnits> units) {
    StringBuilder b = new StringBuilder(32);
    appendUnits(b, units);
    return b.toString();
  }

  /** Reverses {@link #unitsText}. */
  static SortedMap<Tags, TagUnits> parseUnits(String text) {
    return units(text.split("\n", -1), 0);
  }

  private static void appendUnits(StringBuilder b, SortedMap<Tags, TagUnits> units) {
    units.forEach((tags, u) -> b.append(tags.encoded()).append('\t').append(u.own()).append('\t')
        .append(u.carried()).append('\n'));
  }

  private static SortedMap<Tags, TagUnits> units(String[] lines, int from) {
    SortedMap<Tags, TagUnits> units = newUnits();
    for (int i = from; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        continue;
      }
      String[] f = lines[i].split("\t", -1);
      if (f.length != 3) {
        throw new IllegalArgumentException("bad units line '" + lines[i] + "'");
      }
      Tags tags = f[0].isEmpty() ? Tags.NONE : Tags.decode(f[0]);
      units.merge(tags, new TagUnits(Long.parseLong(f[1]), Long.parseLong(f[2])), TagUnits::plus);
    }
    return units;
  }

  private static String[] lines(byte[] value, String kind, int min) {
    String[] lines = new String(value, StandardCharsets.UTF_8).split("\n", -1);
    if (!lines[0].equals(kind) || lines.length < min) {
      throw new IllegalArgumentException("not a " + kind + " record: " + lines[0]);
    }
    return lines;
  }

  private static byte[] bytes(StringBuilder b) {
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Units per tag set of a list of lines, for tests and tools. */
  static List<String> describe(SortedMap<Tags, TagUnits> units) {
    List<String> out = new ArrayList<>();
    units.forEach((t, u) -> out.add((t.isEmpty() ? "-" : t.toString()) + "=" + u.own() + "+" + u.carried()));
    return out;
  }
}
