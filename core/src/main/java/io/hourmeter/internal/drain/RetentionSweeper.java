package io.hourmeter.internal.drain;

import io.hourmeter.MeteringMode;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.spi.UsageReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keeps disk use bounded. A cycle file is deleted once the checkpoint has passed it, every report
 * drawn from it is final, and {@code retention} has passed since the last of them became final (or
 * since the hour ended). Final ledger entries are pruned after {@code retention} too (dead letters
 * after at least {@link #DEAD_LETTER_KEEP}, so an operator can see and re-queue them), and an hour's
 * accounted units once its file is gone. Not thread-safe.
 */
final class RetentionSweeper {
  static final Duration DEAD_LETTER_KEEP = Duration.ofDays(7);
  static final Duration EVERY = Duration.ofMinutes(1);
  private static final int MAX_PRUNE = 2_000;
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
    int work = 0;
    long currentHour = HourlyAggregation.hourOf(now);
    for (long hour : journal.hours()) {
      if (hour >= currentHour || !releasable(state, hour, now)) {
        continue;
      }
      if (journal.deleteHour(hour)) {
        work++;
      }
    }
    return work + prune(state, now);
  }

  private boolean releasable(LedgerState state, long hour, Instant now) {
    long nextHourStart = journal.firstPositionOfHour(hour + 1);
    if (state.checkpoint() < nextHourStart) {
      return false;
    }
    if (mode == MeteringMode.HOURLY && hour > state.frozenThrough()) {
      return false;
    }
    long hourStart = journal.firstPositionOfHour(hour);
    Instant lastFinal = Instant.ofEpochMilli((hour + 1) * HOUR_MILLIS);
    for (UsageReport report : state.reports().values()) {
      boolean drawnFromHour = mode == MeteringMode.HOURLY ? report.epochHour() == hour
          : report.rangeStart() < nextHourStart && report.rangeEnd() > hourStart;
      if (!drawnFromHour) {
        continue;
      }
      if (!report.state().isFinal()) {
        return false;
      }
      if (report.updatedAt().isAfter(lastFinal)) {
        lastFinal = report.updatedAt();
      }
    }
    return !now.isBefore(lastFinal.plus(retention));
  }

  private int prune(LedgerState state, Instant now) {
    LedgerTransaction tx = state.begin();
    int pruned = 0;
    Duration deadLetterKeep = retention.compareTo(DEAD_LETTER_KEEP) > 0 ? retention : DEAD_LETTER_KEEP;
    for (UsageReport report : state.reports().values()) {
      if (pruned >= MAX_PRUNE) {
        break;
      }
      if (!report.state().isFinal()) {
        continue;
      }
      Duration keep = report.state() == ReportState.DEAD_LETTERED ? deadLetterKeep : retention;
      if (!now.isBefore(report.updatedAt().plus(keep))) {
        tx.remove(report.id());
        pruned++;
      }
    }
    List<Long> gone = new ArrayList<>();
    var files = journal.hours();
    long currentHour = HourlyAggregation.hourOf(now);
    for (Map.Entry<Long, ?> hour : state.hourUnits().entrySet()) {
      if (!files.contains(hour.getKey()) && hour.getKey() < currentHour - 1) {
        gone.add(hour.getKey());
      }
    }
    gone.forEach(tx::removeHour);
    state.commit(tx);
    return pruned + gone.size();
  }
}
