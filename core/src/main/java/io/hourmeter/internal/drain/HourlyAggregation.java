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
 * <p><b>Checkpoint of sums.</b> Every commit that moves the journal checkpoint moves it to the read
 * position and writes, in the same commit, the open hours' sums that changed since the last one
 * ({@link LedgerState#openSums}, one ledger entry per hour and key, so SaaS's many buyers cost only
 * the keys that changed); a freeze drops its hour's entries in the commit that accounts for them in
 * reports. Between freezes such a checkpoint is taken once the drainer has caught up, at most every
 * {@link #SUMS_CHECKPOINT_EVERY} (longer with many keys: a second per {@link #KEYS_PER_SECOND} keys)
 * and at most once per drain interval of real time, and at close. So the ledger always holds, for every record below the checkpoint, either its report
 * or its hour's sum, never both, and a restart starts from those sums and re-reads only the records
 * after the checkpoint: a second or so of appends, however many the open hour holds.
 * Not thread-safe.
 */
final class HourlyAggregation implements Aggregation {
  private static final long HOUR_MILLIS = 3_600_000L;
  /** The shortest interval between two checkpoints of sums (see the class comment). */
  static final Duration SUMS_CHECKPOINT_EVERY = Duration.ofSeconds(1);
  /** With more keys than this, checkpoints of sums are spaced by a second per this many keys. */
  static final int KEYS_PER_SECOND = 10_000;

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
  /** When the last checkpoint of sums was committed (on the meter's clock), or null since reset. */
  private Instant lastSumsCheckpoint;
  /** {@link System#nanoTime()} at that checkpoint. */
  private long lastSumsCheckpointNanos;
  /**
   * The least real time between two checkpoints of sums (the drain interval), whatever the meter's
   * clock says: a ledger commit is a sync, and a clock run faster than real time (tests, the demo)
   * must not turn checkpoints into a sync per read. 0 (a drainer driven by hand) spaces them by the
   * meter's clock only.
   */
  private final long minRealNanos;

  HourlyAggregation(UsageJournal journal, ReportFreezer freezer, CarryPolicy policy, Duration grace,
      StatusBoard board, Consumer<UsageReport> frozen, Duration minRealInterval) {
    this.minRealNanos = minRealInterval.toNanos();
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
    lastSumsCheckpoint = null;
    // A freeze drops its hour's sums in the same commit, so none is frozen; one that were would be
    // late usage, carried rather than lost.
    fresh.openSums().forEach((hour, sums) -> {
      Map<UsageKey, UnitSum> into = (hour <= fresh.frozenThrough() ? late : open).computeIfAbsent(hour, h -> new HashMap<>());
      sums.forEach((key, units) -> into.put(key, UnitSum.of(units)));
    });
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
    if (!flush && cursor.caughtUp() && sumsCheckpointDue(cursor, now)) {
      checkpointSums(cursor, now);
      work++;
    }
    return work;
  }

  private boolean sumsCheckpointDue(JournalCursor cursor, Instant now) {
    if (cursor.position() == state.checkpoint()) {
      return false;
    }
    if (lastSumsCheckpoint == null) {
      return true;
    }
    if (System.nanoTime() - lastSumsCheckpointNanos < minRealNanos) {
      return false;
    }
    if (now.isBefore(lastSumsCheckpoint)) {
      return true;
    }
    long seconds = Math.max(1, keyCount() / KEYS_PER_SECOND);
    return !now.isBefore(lastSumsCheckpoint.plus(SUMS_CHECKPOINT_EVERY.multipliedBy(seconds)));
  }

  @Override
  public int checkpoint(JournalCursor cursor, Instant now) {
    if (!late.isEmpty()) {
      commitLate(cursor, now);
      return 1;
    }
    if (cursor.position() == state.checkpoint()) {
      return 0;
    }
    checkpointSums(cursor, now);
    return 1;
  }

  /** Commits the changed sums of the open hours with the read position as the checkpoint. */
  private void checkpointSums(JournalCursor cursor, Instant now) {
    LedgerTransaction tx = state.begin();
    List<UnitSum> written = putChangedSums(tx, cursor, Long.MIN_VALUE);
    CrashPoints.reached(CrashPoints.BEFORE_SUMS_CHECKPOINT);
    state.commit(tx);
    written.forEach(sum -> sum.dirty = false);
    lastSumsCheckpoint = now;
    lastSumsCheckpointNanos = System.nanoTime();
    CrashPoints.reached(CrashPoints.AFTER_SUMS_CHECKPOINT);
  }

  /**
   * Puts the open hours' sums changed since the last checkpoint (but {@code except}'s, an hour being
   * frozen) into {@code tx}, with the read position as the checkpoint; returns them, to be marked
   * clean once the commit returned.
   */
  private List<UnitSum> putChangedSums(LedgerTransaction tx, JournalCursor cursor, long except) {
    List<UnitSum> written = new ArrayList<>();
    open.forEach((hour, sums) -> {
      if (hour != except) {
        sums.forEach((key, sum) -> {
          if (sum.dirty) {
            tx.openSum(hour, key, sum.total());
            written.add(sum);
          }
        });
      }
    });
    tx.checkpoint(cursor.position());
    return written;
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
    tx.dropOpenSums(hour);
    List<UnitSum> written = putChangedSums(tx, cursor, hour);
    state.commit(tx);
    // Only once the ledger holds the freeze: a commit that throws anything leaves memory as it was.
    written.forEach(sum -> sum.dirty = false);
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
    late.keySet().forEach(tx::dropOpenSums);
    List<UnitSum> written = putChangedSums(tx, cursor, Long.MIN_VALUE);
    state.commit(tx);
    written.forEach(sum -> sum.dirty = false);
    late.clear();
    board.alert(policy == CarryPolicy.CARRY_FORWARD ? Kind.CARRIED : Kind.DEAD_LETTER,
        total + " units recorded for hours already reported were "
            + (policy == CarryPolicy.CARRY_FORWARD ? "carried forward" : "dead-lettered"), null);
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
