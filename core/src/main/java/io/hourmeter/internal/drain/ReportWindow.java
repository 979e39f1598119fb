package io.hourmeter.internal.drain;

import io.hourmeter.MeteringMode;
import io.hourmeter.internal.MeterSettings;
import io.hourmeter.spi.UsageReport;
import java.time.Duration;
import java.time.Instant;

/**
 * How long AWS accepts a report's Timestamp, and the two decisions the drainer takes before that
 * window closes. This is the single home of the window: every class that needs it asks here, and the
 * length depends on the mode only through {@link #length(MeteringMode)} (MeterUsage accepts six
 * hours, BatchMeterUsage 24 with a month-end cut-off; {@code MeterBuilder.usageWindow} overrides the
 * length, for an API that changes it before this library does).
 *
 * <ul>
 *   <li>{@link #carryDeadline}: window end minus {@code deadlineMargin}. A report that was never
 *       outcome-unknown and is unsent by then is carried (or dead-lettered by the carry policy): AWS
 *       holds nothing of it, so moving its units is safe, and they still reach AWS in a later hour.</li>
 *   <li>{@link #outcomeUnknownDeadline}: window end minus {@code clockSkewMargin}. A report whose
 *       outcome is unknown may already be recorded; an identical resend either returns the earlier
 *       record id or records it once, so it is resent until this late, and dead-lettered only if
 *       still unknown then. The margin covers our clock being behind AWS's.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 *
 * @param length          how long after its Timestamp AWS accepts a report
 * @param deadlineMargin  how long before the window closes a report never outcome-unknown is carried
 * @param clockSkewMargin how long before the window closes an outcome-unknown report stops being resent
 * @param monthEndCutOff  whether a month's usage is refused from 06:00 UTC on the next month's 1st
 */
public record ReportWindow(Duration length, Duration deadlineMargin, Duration clockSkewMargin,
    boolean monthEndCutOff) {
  /** How long MeterUsage accepts a Timestamp after it. */
  public static final Duration METER_USAGE = Duration.ofHours(6);
  /**
   * How long BatchMeterUsage accepts a Timestamp after it: 24 hours in the current model (older SDK
   * documents say 6), cut off at {@link #MONTH_END_CUT_OFF} after a month's end.
   */
  public static final Duration BATCH_METER_USAGE = Duration.ofHours(24);
  /** How long into a month BatchMeterUsage still accepts the previous month's usage. */
  public static final Duration MONTH_END_CUT_OFF = Duration.ofHours(6);
  /** The default of {@code MeterBuilder.deadlineMargin}. */
  public static final Duration DEFAULT_DEADLINE_MARGIN = Duration.ofMinutes(30);
  /** The default of {@code MeterBuilder.clockSkewMargin}. */
  public static final Duration DEFAULT_CLOCK_SKEW_MARGIN = Duration.ofMinutes(5);

  /** The window length of a mode's API. */
  public static Duration length(MeteringMode mode) {
    return switch (mode) {
      case HOURLY, AGENTCORE -> METER_USAGE;
      case SAAS -> BATCH_METER_USAGE;
    };
  }

  /** Whether a mode's API stops taking a month's usage at {@link #MONTH_END_CUT_OFF} into the next. */
  public static boolean monthEndCutOff(MeteringMode mode) {
    return mode == MeteringMode.SAAS;
  }

  /** The window a meter decides with: its {@code usageWindow} setting, the mode's by default. */
  static ReportWindow of(MeterSettings settings) {
    return new ReportWindow(settings.usageWindow(), settings.deadlineMargin(), settings.clockSkewMargin(),
        monthEndCutOff(settings.mode()));
  }

  /**
   * The window with the default margins, for tools that do not know the application's settings (the
   * CLI previews with it; the drainer decides with its own).
   */
  public static ReportWindow withDefaultMargins(MeteringMode mode) {
    return new ReportWindow(length(mode), DEFAULT_DEADLINE_MARGIN, DEFAULT_CLOCK_SKEW_MARGIN,
        monthEndCutOff(mode));
  }

  /**
   * When AWS stops accepting the report's Timestamp: its Timestamp plus the window's length, or, with the
   * month-end cut-off, 06:00 UTC on the 1st of the next month if that is earlier (a cut-off, not an
   * extension: the deadline is the earlier of the two).
   */
  public Instant closes(UsageReport report) {
    return closes(report.timestamp());
  }

  /** When AWS stops accepting a Timestamp: see {@link #closes(UsageReport)}. */
  public Instant closes(Instant timestamp) {
    Instant end = timestamp.plus(length);
    if (!monthEndCutOff) {
      return end;
    }
    java.time.ZonedDateTime utc = timestamp.atZone(java.time.ZoneOffset.UTC);
    Instant cutOff = utc.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay(java.time.ZoneOffset.UTC)
        .toInstant().plus(MONTH_END_CUT_OFF);
    return end.isBefore(cutOff) ? end : cutOff;
  }

  /** When a report that was never outcome-unknown is carried (or dead-lettered) if still unsent. */
  public Instant carryDeadline(UsageReport report) {
    return closes(report).minus(deadlineMargin);
  }

  /** When a report whose outcome is unknown stops being resent and is dead-lettered. */
  public Instant outcomeUnknownDeadline(UsageReport report) {
    return closes(report).minus(clockSkewMargin);
  }

  /** The deadline that applies to the report as it is now. */
  public Instant deadline(UsageReport report) {
    return report.outcomeUnknown() ? outcomeUnknownDeadline(report) : carryDeadline(report);
  }
}
