package io.hourmeter.internal.drain;

import io.hourmeter.CarryPolicy;
import io.hourmeter.HourmeterException.Kind;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * HOURLY and SAAS modes: sums usage per (hour, usage key: the dimension, and in SaaS the buyer) and freezes an hour once it has closed (its end plus
 * hourGrace) and the journal has been read past it. A freeze commits, in one ledger commit, the
 * hour's reports (Timestamp = the hour's start; the dimension's carry pool included; at most
 * 2,147,483,647 units, the rest carried), the hour's journal units, the last frozen hour and the new
 * checkpoint. Usage read later for an hour already frozen is late: it is carried into the next
 * unfrozen hour (or dead-lettered), committed with the checkpoint that covers it.
 *
 * <p>The checkpoint is the first position of the oldest hour still open in memory (or the read
 * position when none is), so a restart re-reads exactly the records no commit accounted for.
 * Not thread-safe.
 */
final class HourlyAggregation implements Aggregation {
  private static final long HOUR_MILLIS = 3_600_000L;

  private final UsageJournal journal;
  private final ReportFreezer freezer;
  private final CarryPolicy policy;
  private final Duration grace;
  private final StatusBoard board;
  private final Consumer<UsageReport> frozen;
  private final TreeMap<Long, Map<UsageKey, UnitSum>> open = new TreeMap<>();
  private final TreeMap<Long, Map<UsageKey, UnitSum>> late = new TreeMap<>();
  private LedgerState state;
  /**
   * The sums of the hour the last record belonged to, in {@link #open} or {@link #late}: records come in
   * hour order, so this spares a boxed hour and a tree lookup per record. Cleared whenever an hour
   * leaves those maps or changes sides.
   */
  private long cachedHour;
  private Map<UsageKey, UnitSum> cachedSums;
  /**
   * The same sums by the cursor's dense key index: a record of a key already seen this hour costs an
   * array read, not a hash and an equals (with 30,000 SaaS keys the lookup was most of a record's cost).
   */
  private UnitSum[] cachedByIndex = NO_SUMS;
  private static final UnitSum[] NO_SUMS = new UnitSum[0];

  HourlyAggregation(UsageJournal journal, ReportFreezer freezer, CarryPolicy policy, Duration grace,
      StatusBoard board, Consumer<UsageReport> frozen) {
    this.journal = journal;
    this.freezer = freezer;
    this.policy = policy;
    this.grace = grace;
    this.board = board;
    this.frozen = frozen;
  }

  @Override
  public void reset(LedgerState fresh) {
    this.state = fresh;
    open.clear();
    late.clear();
    cachedSums = null;
    cachedByIndex = NO_SUMS;
  }

  @Override
  public void accept(long position, long epochHour, UsageKey dimension, int keyIndex, long quantity) {
    Map<UsageKey, UnitSum> sums = cachedSums;
    if (sums == null || epochHour != cachedHour) {
      TreeMap<Long, Map<UsageKey, UnitSum>> into = epochHour <= state.frozenThrough() ? late : open;
      sums = into.computeIfAbsent(epochHour, h -> new HashMap<>());
      cachedHour = epochHour;
      cachedSums = sums;
      cachedByIndex = NO_SUMS;
    }
    UnitSum[] byIndex = cachedByIndex;
    UnitSum sum;
    if (keyIndex < byIndex.length && (sum = byIndex[keyIndex]) != null) {
      sum.add(quantity);
      return;
    }
    sum = sums.get(dimension);
    if (sum == null) {
      sum = new UnitSum();
      sums.put(dimension, sum);
    }
    if (keyIndex >= byIndex.length) {
      cachedByIndex = byIndex = Arrays.copyOf(byIndex, Math.max(keyIndex + 1, byIndex.length * 2));
    }
    byIndex[keyIndex] = sum;
    sum.add(quantity);
  }

  @Override
  public int decide(LedgerState current, JournalCursor cursor, Instant now, boolean flush) {
    int work = 0;
    if (!late.isEmpty()) {
      commitLate(cursor, now);
      work++;
    }
    long currentHour = hourOf(now);
    long closable = flush ? Long.MAX_VALUE : hourOf(now.minus(grace)) - 1;
    while (!open.isEmpty() && open.firstKey() <= closable) {
      long hour = open.firstKey();
      if (!flush && !cursor.caughtUp() && cursor.maxHourRead() <= hour) {
        break;
      }
      freezeHour(cursor, hour, open.get(hour), now);
      work++;
    }
    long carryHour = flush ? currentHour : closable;
    if ((flush || cursor.caughtUp()) && !state.carryPool().isEmpty() && carryHour > state.frozenThrough()
        && (open.isEmpty() || open.firstKey() > carryHour)) {
      freezeHour(cursor, carryHour, Map.of(), now);
      work++;
    }
    return work;
  }

  private void freezeHour(JournalCursor cursor, long hour, Map<UsageKey, UnitSum> sums, Instant now) {
    cachedSums = null;
    cachedByIndex = NO_SUMS;
    LedgerTransaction tx = state.begin();
    TreeSet<UsageKey> dimensions = new TreeSet<>(sums.keySet());
    dimensions.addAll(state.carryPool().keySet());
    Instant start = Instant.ofEpochMilli(hour * HOUR_MILLIS);
    List<UsageReport> fresh = new ArrayList<>();
    for (SortedMap<UsageKey, BigInteger> group : ReportGroups.byBase(dimensions, key -> {
      UnitSum sum = sums.get(key);
      return sum == null ? BigInteger.ZERO : sum.total();
    })) {
      UsageReport report = freezer.freeze(tx, group, hour, start, -1, -1, (d, id) -> null, now,
          state.quarantined().get(group.firstKey().dimension()));
      group.forEach((key, own) -> {
        if (own.signum() > 0) {
          tx.addHourUnits(hour, key, own);
        }
      });
      if (report != null) {
        fresh.add(report);
      }
    }
    tx.frozenThrough(hour);
    tx.checkpoint(checkpointWithout(cursor, hour));
    state.commit(tx);
    // Only once the ledger holds the freeze: a commit that throws anything leaves memory as it was.
    open.remove(hour);
    CrashPoints.reached(CrashPoints.AFTER_FREEZE);
    fresh.forEach(frozen);
  }

  private void commitLate(JournalCursor cursor, Instant now) {
    cachedSums = null;
    cachedByIndex = NO_SUMS;
    LedgerTransaction tx = state.begin();
    BigInteger total = BigInteger.ZERO;
    for (Map.Entry<Long, Map<UsageKey, UnitSum>> hour : late.entrySet()) {
      Instant start = Instant.ofEpochMilli(hour.getKey() * HOUR_MILLIS);
      for (Map.Entry<UsageKey, UnitSum> dim : new TreeMap<>(hour.getValue()).entrySet()) {
        BigInteger units = dim.getValue().total();
        total = total.add(units);
        tx.addHourUnits(hour.getKey(), dim.getKey(), units);
        if (policy == CarryPolicy.CARRY_FORWARD) {
          tx.addCarry(dim.getKey(), units, true);
        } else {
          freezer.deadLetter(tx, dim.getKey(), units, hour.getKey(), start, -1, -1, (d, id) -> null, now,
              "late: usage recorded for hour " + start + " after it was reported");
        }
      }
    }
    tx.checkpoint(checkpoint(cursor));
    state.commit(tx);
    late.clear();
    board.alert(policy == CarryPolicy.CARRY_FORWARD ? Kind.CARRIED : Kind.DEAD_LETTER,
        total + " units recorded for hours already reported were "
            + (policy == CarryPolicy.CARRY_FORWARD ? "carried forward" : "dead-lettered"), null);
  }

  private long checkpoint(JournalCursor cursor) {
    return open.isEmpty() ? cursor.position() : journal.firstPositionOfHour(open.firstKey());
  }

  /** The checkpoint once {@code hour} (the oldest open hour, or one before it) has left the open set. */
  private long checkpointWithout(JournalCursor cursor, long hour) {
    Long next = open.higherKey(hour);
    return next == null ? cursor.position() : journal.firstPositionOfHour(next);
  }

  @Override
  public void pending(SortedMap<Instant, Map<String, Long>> into) {
    add(open, into);
    add(late, into);
  }

  /** Adds pending sums per hour start and dimension (a SaaS dimension's buyers summed). */
  static void add(TreeMap<Long, Map<UsageKey, UnitSum>> sums, SortedMap<Instant, Map<String, Long>> into) {
    sums.forEach((hour, dims) -> {
      Map<String, Long> byDim = into.computeIfAbsent(Instant.ofEpochMilli(hour * HOUR_MILLIS), h -> new TreeMap<>());
      dims.forEach((key, sum) -> byDim.merge(key.dimension(), sum.saturated(), Counters::plus));
    });
  }

  static long hourOf(Instant at) {
    return Math.floorDiv(at.toEpochMilli(), HOUR_MILLIS);
  }

  @Override
  public void pendingBuyers(java.util.Set<io.hourmeter.Buyer> into) {
    open.values().forEach(sums -> sums.keySet().forEach(k -> {
      if (k.buyer() != null) {
        into.add(k.buyer());
      }
    }));
    late.values().forEach(sums -> sums.keySet().forEach(k -> {
      if (k.buyer() != null) {
        into.add(k.buyer());
      }
    }));
  }

  @Override
  public int keyCount() {
    int n = 0;
    for (Map<UsageKey, UnitSum> sums : open.values()) {
      n += sums.size();
    }
    for (Map<UsageKey, UnitSum> sums : late.values()) {
      n += sums.size();
    }
    return n;
  }
}
