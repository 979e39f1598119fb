package io.hourmeter.internal.drain;

import io.hourmeter.spi.UsageJournal;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * AGENTCORE mode: no hourly sums. The records read since the checkpoint form one contiguous journal
 * range, cut every agentCoreCutInterval, or sooner once a dimension has agentCoreCutUnits pending.
 * A cut commits, in one ledger commit, one FROZEN report per dimension (Timestamp = the cut time,
 * the carry pool included) whose ClientToken is derived from the journal's random id, the range, the
 * dimension and the report id, together with the new checkpoint (the range's end). The token is thus
 * persisted before the first send and reused on every resend. Not thread-safe.
 */
final class AgentCoreAggregation implements Aggregation {
  private final UsageJournal journal;
  private final ReportFreezer freezer;
  private final Duration cutInterval;
  private final long cutUnits;
  private final Consumer<UsageReport> frozen;
  private final Map<UsageKey, UnitSum> pending = new HashMap<>();
  private final TreeMap<Long, Map<UsageKey, UnitSum>> pendingByHour = new TreeMap<>();
  private LedgerState state;
  private Instant lastCut;
  private long maxPending;

  AgentCoreAggregation(UsageJournal journal, ReportFreezer freezer, Duration cutInterval, long cutUnits,
      Consumer<UsageReport> frozen) {
    this.journal = journal;
    this.freezer = freezer;
    this.cutInterval = cutInterval;
    this.cutUnits = cutUnits;
    this.frozen = frozen;
  }

  @Override
  public void reset(LedgerState fresh) {
    state = fresh;
    pending.clear();
    pendingByHour.clear();
    lastCut = null;
    maxPending = 0;
  }

  @Override
  public void accept(long position, long epochHour, UsageKey dimension, int keyIndex, long quantity) {
    UnitSum sum = pending.computeIfAbsent(dimension, d -> new UnitSum());
    sum.add(quantity);
    maxPending = Math.max(maxPending, sum.saturated());
    pendingByHour.computeIfAbsent(epochHour, h -> new HashMap<>()).computeIfAbsent(dimension, d -> new UnitSum())
        .add(quantity);
  }

  @Override
  public int decide(LedgerState current, JournalCursor cursor, Instant now, boolean flush) {
    if (lastCut == null) {
      lastCut = now;
    }
    if (pending.isEmpty() && state.carryPool().isEmpty()) {
      return 0;
    }
    boolean due = flush || !now.isBefore(lastCut.plus(cutInterval)) || maxPending >= cutUnits;
    if (!due) {
      return 0;
    }
    cut(cursor, now);
    return 1;
  }

  private void cut(JournalCursor cursor, Instant now) {
    LedgerTransaction tx = state.begin();
    long start = state.checkpoint();
    long end = cursor.position();
    TreeSet<UsageKey> dimensions = new TreeSet<>(pending.keySet());
    dimensions.addAll(state.carryPool().keySet());
    long hour = HourlyAggregation.hourOf(now);
    String journalId = journal.journalId();
    List<UsageReport> fresh = new ArrayList<>();
    for (SortedMap<UsageKey, BigInteger> group : ReportGroups.byBase(dimensions, key -> {
      UnitSum sum = pending.get(key);
      return sum == null ? BigInteger.ZERO : sum.total();
    })) {
      UsageReport report = freezer.freeze(tx, group, hour, now, start, end,
          (d, id) -> ClientTokens.derive(journalId, start, end, d, id), now,
          state.quarantined().get(group.firstKey().dimension()));
      if (report != null) {
        fresh.add(report);
      }
    }
    tx.checkpoint(end);
    state.commit(tx);
    pending.clear();
    pendingByHour.clear();
    maxPending = 0;
    lastCut = now;
    CrashPoints.reached(CrashPoints.AFTER_FREEZE);
    fresh.forEach(frozen);
  }

  @Override
  public void pending(SortedMap<Instant, Map<String, Long>> into) {
    HourlyAggregation.add(pendingByHour, into);
  }

  @Override
  public void pendingBuyers(java.util.Set<io.hourmeter.Buyer> into) {
    pendingByHour.values().forEach(sums -> sums.keySet().forEach(k -> {
      if (k.buyer() != null) {
        into.add(k.buyer());
      }
    }));
  }

  @Override
  public int keyCount() {
    return pending.size();
  }
}
