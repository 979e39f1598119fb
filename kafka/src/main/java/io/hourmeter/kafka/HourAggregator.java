package io.hourmeter.kafka;

import io.hourmeter.Tags;
import io.hourmeter.kafka.FleetRecords.Carry;
import io.hourmeter.kafka.FleetRecords.HourFinal;
import io.hourmeter.kafka.FleetRecords.Partial;
import io.hourmeter.kafka.FleetRecords.TagUnits;
import io.hourmeter.spi.UsageKey;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregator's one processor, one instance per partition (task) of the partials and outcomes
 * topics, which are co-partitioned by buyer:
 *
 * <ul>
 *   <li>A partial already seen (its identity in the dedupe store) is dropped. The dedupe store is
 *       persistent (RocksDB with a changelog, so it survives restarts and moves with the task), keyed by
 *       hour first, and pruned {@code dedupeRetention} after an hour closed.</li>
 *   <li>A partial of an open hour is summed per (buyer, dimension, tag set, hour); one of an hour this
 *       partition has closed is late and is carried into the buyer-dimension's next open hour (the hour
 *       after the last closed one), never dropped. A carry back from the sender goes the same way, also
 *       deduplicated by its id.</li>
 *   <li>Hours close on a wall-clock punctuator, so an idle partition closes them too; whether an hour
 *       has closed is decided by the injected clock: at its end plus the fleet grace. Closing emits one
 *       final per buyer-dimension of the hour, forgets its sums and moves the partition's closed mark.</li>
 * </ul>
 *
 * <p>Under {@code exactly_once_v2} a record's store changes, its output and its input offset commit
 * together. Not thread-safe: Streams calls one instance from one thread.
 */
final class HourAggregator implements Processor<String, byte[], String, byte[]> {
  private static final Logger LOG = LoggerFactory.getLogger(HourAggregator.class);
  static final String DEDUPE_STORE = "hourmeter-dedupe";
  static final String SUMS_STORE = "hourmeter-sums";
  static final String META_STORE = "hourmeter-meta";
  static final String CLOSED_THROUGH = "closedThrough";
  static final long NO_HOUR = Long.MIN_VALUE;

  private final InstantSource clock;
  private final Duration grace;
  private final Duration punctuateEvery;
  private final long dedupeRetentionHours;
  private final AggregatorStatusBoard board;
  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, String> dedupe;
  private KeyValueStore<String, String> sums;
  private KeyValueStore<String, String> meta;
  private PartitionFigures figures;

  HourAggregator(InstantSource clock, Duration grace, Duration punctuateEvery, Duration dedupeRetention,
      AggregatorStatusBoard board) {
    this.clock = clock;
    this.grace = grace;
    this.punctuateEvery = punctuateEvery;
    this.dedupeRetentionHours = Math.max(1, (dedupeRetention.toSeconds() + 3599) / 3600);
    this.board = board;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> ctx) {
    this.context = ctx;
    this.dedupe = ctx.getStateStore(DEDUPE_STORE);
    this.sums = ctx.getStateStore(SUMS_STORE);
    this.meta = ctx.getStateStore(META_STORE);
    this.figures = board.partition(ctx.taskId().partition());
    figures.restore(meta, sums);
    ctx.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::closeHours);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    byte[] value = record.value();
    if (value == null) {
      return;
    }
    String kind = FleetRecords.kind(value);
    try {
      switch (kind) {
        case FleetRecords.PARTIAL -> partial(FleetRecords.decodePartial(value));
        case FleetRecords.CARRY -> carry(FleetRecords.decodeCarry(value));
        case FleetRecords.OUTCOME -> figures.outcomeSeen();
        default -> malformed(kind, null);
      }
    } catch (IllegalArgumentException e) {
      malformed(kind, e);
    }
  }

  private void malformed(String kind, RuntimeException e) {
    figures.malformed();
    LOG.warn("skipped a record that is not a fleet record ({}) on partition {}", kind, context.taskId().partition(), e);
  }

  private void partial(Partial p) {
    if (!firstTime(p.epochHour(), "p" + p.identity())) {
      return;
    }
    long closed = closedThrough();
    if (closed != NO_HOUR && p.epochHour() <= closed) {
      SortedMap<Tags, TagUnits> carried = FleetRecords.newUnits();
      p.units().forEach((tags, u) -> carried.put(tags, new TagUnits(0, u.total())));
      add(closed + 1, p.key(), carried);
      figures.lateCarried(total(p.units()));
    } else {
      add(p.epochHour(), p.key(), p.units());
    }
  }

  private void carry(Carry c) {
    if (!firstTime(c.fromHour(), "c" + c.carryId())) {
      return;
    }
    SortedMap<Tags, TagUnits> units = FleetRecords.newUnits();
    units.put(c.key().tags(), new TagUnits(0, c.units()));
    add(nextOpenHour(), c.key().base(), units);
    figures.carryApplied(c.units());
  }

  /** Records an identity in the dedupe store; false (and counted) if it was there already. */
  private boolean firstTime(long hour, String identity) {
    String key = hourPrefix(hour) + identity;
    if (dedupe.get(key) != null) {
      figures.duplicateDropped();
      return false;
    }
    dedupe.put(key, "");
    return true;
  }

  private void add(long hour, UsageKey base, SortedMap<Tags, TagUnits> units) {
    String key = hourPrefix(hour) + base.encoded();
    String old = sums.get(key);
    SortedMap<Tags, TagUnits> merged = old == null ? FleetRecords.newUnits() : FleetRecords.parseUnits(old);
    units.forEach((tags, u) -> merged.merge(tags, u, TagUnits::plus));
    sums.put(key, FleetRecords.unitsText(merged));
    if (old == null) {
      figures.keyOpened(hour);
    }
  }

  /** The hour after the last closed one, or the clock's hour before any closed. */
  private long nextOpenHour() {
    long closed = closedThrough();
    return closed != NO_HOUR ? closed + 1 : Math.floorDiv(clock.instant().getEpochSecond(), 3600);
  }

  /**
   * Closes every hour whose end plus the grace has passed on the clock: one final per key. Finals are
   * stamped with the punctuation's wall-clock time, not the injected clock's (which may run ahead, in
   * tests and demos, of what the broker accepts as a record timestamp).
   */
  void closeHours(long wallClockMillis) {
    Instant now = clock.instant();
    long bound = Math.floorDiv(now.minus(grace).getEpochSecond(), 3600) - 1;
    long closed = closedThrough();
    if (closed != NO_HOUR && bound <= closed) {
      figures.flush(meta);
      return;
    }
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = sums.range(hourPrefix(0), hourEnd(bound))) {
      it.forEachRemaining(due::add);
    }
    for (KeyValue<String, String> kv : due) {
      long hour = Long.parseLong(kv.key.substring(0, 19));
      UsageKey base = UsageKey.decode(kv.key.substring(20));
      HourFinal fin = new HourFinal(hour, base, FleetRecords.parseUnits(kv.value));
      context.forward(new Record<>(FleetRecords.recordKey(base.buyer()), FleetRecords.encode(fin),
          wallClockMillis));
      sums.delete(kv.key);
      figures.finalEmitted(hour);
    }
    meta.put(CLOSED_THROUGH, Long.toString(bound));
    figures.closedThrough(bound, now);
    prune(bound - dedupeRetentionHours);
    figures.flush(meta);
  }

  private void prune(long throughHour) {
    if (throughHour < 0) {
      return;
    }
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, String> it = dedupe.range(hourPrefix(0), hourEnd(throughHour))) {
      it.forEachRemaining(kv -> old.add(kv.key));
    }
    old.forEach(dedupe::delete);
  }

  private long closedThrough() {
    return figures.closedThrough();
  }

  /** Keys sort by hour first: 19 digits and a separator. */
  static String hourPrefix(long hour) {
    return String.format("%019d|", Math.max(0, hour));
  }

  /** Above every key of {@code hour} and below every key of the next: '}' follows the separator '|'. */
  static String hourEnd(long hour) {
    return String.format("%019d}", Math.max(0, hour));
  }

  private static long total(Map<Tags, TagUnits> units) {
    long n = 0;
    for (TagUnits u : units.values()) {
      n = Math.addExact(n, u.total());
    }
    return n;
  }

  /** The per-partition figures the status shows, kept in memory and in the meta store. */
  static final class PartitionFigures {
    final int partition;
    private volatile long closedThrough = NO_HOUR;
    private final TreeMap<Long, Long> openKeys = new TreeMap<>();
    private volatile Map<Long, Long> openSnapshot = Map.of();
    private volatile long latePartials;
    private volatile long lateUnits;
    private volatile long carries;
    private volatile long carriedUnits;
    private volatile long duplicates;
    private volatile long finals;
    private volatile long outcomes;
    private volatile long malformed;
    private volatile Instant lastClose;

    PartitionFigures(int partition) {
      this.partition = partition;
    }

    void restore(KeyValueStore<String, String> meta, KeyValueStore<String, String> sums) {
      String closed = meta.get(CLOSED_THROUGH);
      closedThrough = closed == null ? NO_HOUR : Long.parseLong(closed);
      latePartials = counter(meta, "latePartials");
      lateUnits = counter(meta, "lateUnits");
      carries = counter(meta, "carries");
      carriedUnits = counter(meta, "carriedUnits");
      duplicates = counter(meta, "duplicates");
      finals = counter(meta, "finals");
      openKeys.clear();
      try (KeyValueIterator<String, String> it = sums.all()) {
        it.forEachRemaining(kv -> openKeys.merge(Long.parseLong(kv.key.substring(0, 19)), 1L, Long::sum));
      }
      openSnapshot = Map.copyOf(openKeys);
    }

    private static long counter(KeyValueStore<String, String> meta, String name) {
      String v = meta.get(name);
      return v == null ? 0 : Long.parseLong(v);
    }

    void flush(KeyValueStore<String, String> meta) {
      meta.put("latePartials", Long.toString(latePartials));
      meta.put("lateUnits", Long.toString(lateUnits));
      meta.put("carries", Long.toString(carries));
      meta.put("carriedUnits", Long.toString(carriedUnits));
      meta.put("duplicates", Long.toString(duplicates));
      meta.put("finals", Long.toString(finals));
      openSnapshot = Map.copyOf(openKeys);
    }

    long closedThrough() {
      return closedThrough;
    }

    void closedThrough(long hour, Instant at) {
      closedThrough = hour;
      lastClose = at;
    }

    void keyOpened(long hour) {
      openKeys.merge(hour, 1L, Long::sum);
    }

    void finalEmitted(long hour) {
      finals++;
      openKeys.computeIfPresent(hour, (h, n) -> n <= 1 ? null : n - 1);
    }

    void lateCarried(long units) {
      latePartials++;
      lateUnits += units;
    }

    void carryApplied(long units) {
      carries++;
      carriedUnits += units;
    }

    void duplicateDropped() {
      duplicates++;
    }

    void outcomeSeen() {
      outcomes++;
    }

    void malformed() {
      malformed++;
    }

    AggregatorStatus.PartitionStatus snapshot() {
      return new AggregatorStatus.PartitionStatus(partition,
          closedThrough == NO_HOUR ? null : Instant.ofEpochSecond((closedThrough + 1) * 3600),
          new TreeMap<>(toInstants(openSnapshot)), latePartials, lateUnits, carries, carriedUnits, duplicates,
          finals, malformed, lastClose);
    }

    private static Map<Instant, Long> toInstants(Map<Long, Long> byHour) {
      Map<Instant, Long> out = new TreeMap<>();
      byHour.forEach((h, n) -> out.put(Instant.ofEpochSecond(h * 3600), n));
      return out;
    }
  }
}
