package io.hourmeter.internal.drain;

import io.hourmeter.MeteringMode;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.spi.UsageReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;

/**
 * Keeps disk use bounded. A cycle file is deleted once the checkpoint has passed it, every report
 * drawn from it is final, and {@code retention} has passed since the last of them became final (or
 * since the hour ended). Final ledger entries are pruned after {@code retention} too (AgentCore ones,
 * which come every few seconds, after at most {@link #AGENTCORE_KEEP}; dead letters after at least
 * {@link #DEAD_LETTER_KEEP}, so an operator can see and re-queue them), and an hour's accounted units
 * once its file is gone. One pass over the reports per sweep. Not thread-safe.
 */
final class RetentionSweeper {
  static final Duration DEAD_LETTER_KEEP = Duration.ofDays(7);
  static final Duration AGENTCORE_KEEP = Duration.ofHours(1);
  static final Duration EVERY = Duration.ofMinutes(1);
  /**
   * The most final entries one sweep prunes, so that one commit stays bounded. A sweep runs every
   * {@link #EVERY}, so this prunes up to 3 M an hour: above SaaS's 300,000 reports an hour.
   */
  static final int MAX_PRUNE = 50_000;
  private static final long HOUR_MILLIS = 3_600_000L;

  private final UsageJournal journal;
  private final MeteringMode mode;
  private final Duration retention;
  private Instant next = Instant.MIN;

  RetentionSweeper(UsageJournal journal, MeteringMode mode, Duration retention) {
    this.journal = journal;
    this.mode = mode;
    this.retention = retention;
  }

  /** Runs at most every {@link #EVERY}; returns files deleted plus entries pruned. */
  int sweep(LedgerState state, Instant now) {
    if (now.isBefore(next)) {
      return 0;
    }
    next = now.plus(EVERY);
    long currentHour = HourlyAggregation.hourOf(now);
    NavigableSet<Long> files = journal.hours();
    long[] hours = files.stream().mapToLong(Long::longValue).toArray();
    long[] starts = Arrays.stream(hours).map(journal::firstPositionOfHour).toArray();
    Map<Long, Instant> lastFinal = new HashMap<>();
    Set<Long> unsettled = new HashSet<>();
    for (UsageReport report : state.reports().values()) {
      for (long hour : drawnFrom(report, hours, starts)) {
        if (!report.state().isFinal()) {
          unsettled.add(hour);
        } else {
          lastFinal.merge(hour, report.updatedAt(), (a, b) -> a.isAfter(b) ? a : b);
        }
      }
    }
    int work = 0;
    for (long hour : hours) {
      if (hour >= currentHour || unsettled.contains(hour) || !passed(state, hour)) {
        continue;
      }
      Instant end = Instant.ofEpochMilli((hour + 1) * HOUR_MILLIS);
      Instant last = lastFinal.getOrDefault(hour, end);
      if (!now.isBefore((last.isAfter(end) ? last : end).plus(retention)) && journal.deleteHour(hour)) {
        work++;
      }
    }
    return work + prune(state, now, journal.hours(), currentHour);
  }

  /** The hours (of those with files) whose records a report was drawn from. */
  private long[] drawnFrom(UsageReport report, long[] hours, long[] starts) {
    if (mode != MeteringMode.AGENTCORE || report.rangeStart() < 0) {
      return new long[] {report.epochHour()};
    }
    int from = Math.max(0, upperIndex(starts, report.rangeStart()));
    int to = upperIndex(starts, report.rangeEnd() - 1);
    if (to < from) {
      return new long[0];
    }
    return Arrays.copyOfRange(hours, from, to + 1);
  }

  /** The index of the last start at or below {@code position}, or -1. */
  private static int upperIndex(long[] starts, long position) {
    int i = Arrays.binarySearch(starts, position);
    return i >= 0 ? i : -i - 2;
  }

  /** Whether the checkpoint has passed the hour (and, hourly or SaaS, it was frozen). */
  private boolean passed(LedgerState state, long hour) {
    if (state.checkpoint() < journal.firstPositionOfHour(hour + 1)) {
      return false;
    }
    return mode == MeteringMode.AGENTCORE || hour <= state.frozenThrough();
  }

  private int prune(LedgerState state, Instant now, NavigableSet<Long> files, long currentHour) {
    LedgerTransaction tx = state.begin();
    int pruned = 0;
    Duration deadLetterKeep = retention.compareTo(DEAD_LETTER_KEEP) > 0 ? retention : DEAD_LETTER_KEEP;
    Duration finalKeep = mode == MeteringMode.AGENTCORE && retention.compareTo(AGENTCORE_KEEP) > 0
        ? AGENTCORE_KEEP : retention;
    for (UsageReport report : state.reports().values()) {
      if (pruned >= MAX_PRUNE) {
        break;
      }
      if (!report.state().isFinal()) {
        continue;
      }
      Duration keep = report.state() == ReportState.DEAD_LETTERED ? deadLetterKeep : finalKeep;
      if (!now.isBefore(report.updatedAt().plus(keep))) {
        tx.remove(report.id());
        pruned++;
      }
    }
    List<Long> gone = new ArrayList<>();
    for (Long hour : state.hourUnits().keySet()) {
      if (!files.contains(hour) && hour < currentHour - 1) {
        gone.add(hour);
      }
    }
    gone.forEach(tx::removeHour);
    state.commit(tx);
    return pruned + gone.size();
  }
}
