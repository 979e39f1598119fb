package io.hourmeter.local;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * BatchMeterUsage's time window, as the current model documents it: a record is accepted until
 * {@code past} (24 hours) after its Timestamp ("aren't accepted 24 hours or more after an event"), and
 * previous-month usage only until 06:00 UTC on the 1st of the next month. The month end is a cut-off,
 * not an extension: the deadline is the earlier of the two. A Timestamp in the future is refused too.
 * Immutable.
 *
 * @param past how long after its Timestamp a record is accepted
 */
record BatchWindow(Duration past) {

  /** How long into a new month the previous month's usage is still accepted. */
  static final Duration MONTH_END_GRACE = Duration.ofHours(6);

  /** Why a record timestamped {@code minute} is refused at {@code now}, or {@code null} if it is accepted. */
  String problem(Instant minute, Instant now) {
    if (minute.isAfter(now)) {
      return "is in the future (now " + now + ")";
    }
    if (!now.isBefore(minute.plus(past))) {
      return "is " + past.toHours() + " hours or more in the past (now " + now + ")";
    }
    Instant cutOff = monthCutOff(minute);
    if (!now.isBefore(cutOff)) {
      return "belongs to a billing month whose usage was accepted only until " + cutOff + " (now " + now + ")";
    }
    return null;
  }

  /** 06:00 UTC on the first day of the month after the one {@code at} falls in. */
  static Instant monthCutOff(Instant at) {
    LocalDate nextMonth = LocalDate.ofInstant(at, ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1);
    return nextMonth.atStartOfDay(ZoneOffset.UTC).toInstant().plus(MONTH_END_GRACE);
  }
}
