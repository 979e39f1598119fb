package io.hourmeter.internal.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.MeteringMode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReportWindowTest {
  private final ReportWindow saas = ReportWindow.withDefaultMargins(MeteringMode.SAAS);
  private final ReportWindow hourly = ReportWindow.withDefaultMargins(MeteringMode.HOURLY);

  @Test
  void saasUsageIsAcceptedFor24HoursByDefault() {
    assertThat(saas.closes(Instant.parse("2026-03-14T10:00:00Z"))).isEqualTo(Instant.parse("2026-03-15T10:00:00Z"));
    assertThat(hourly.closes(Instant.parse("2026-03-14T10:00:00Z"))).isEqualTo(Instant.parse("2026-03-14T16:00:00Z"));
  }

  @Test
  void theMonthEndCutOffIsADeadlineNotAnExtension() {
    // March usage only until 06:00 UTC on April 1st: the earlier of the two wins.
    assertThat(saas.closes(Instant.parse("2026-03-31T22:00:00Z"))).isEqualTo(Instant.parse("2026-04-01T06:00:00Z"));
    assertThat(saas.closes(Instant.parse("2026-03-31T05:00:00Z"))).isEqualTo(Instant.parse("2026-04-01T05:00:00Z"));
    // December to January crosses the year.
    assertThat(saas.closes(Instant.parse("2026-12-31T23:00:00Z"))).isEqualTo(Instant.parse("2027-01-01T06:00:00Z"));
    // MeterUsage has no such cut-off.
    assertThat(hourly.closes(Instant.parse("2026-03-31T23:00:00Z"))).isEqualTo(Instant.parse("2026-04-01T05:00:00Z"));
  }

  @Test
  void carryIsDecidedAheadOfTheCutOff() {
    Instant late = Instant.parse("2026-03-31T22:00:00Z");
    assertThat(saas.carryDeadline(report(late))).isEqualTo(Instant.parse("2026-04-01T05:30:00Z"));
    assertThat(saas.outcomeUnknownDeadline(report(late))).isEqualTo(Instant.parse("2026-04-01T05:55:00Z"));
  }

  private static io.hourmeter.spi.UsageReport report(Instant ts) {
    return new io.hourmeter.spi.UsageReport(1, "p", "d", ts.getEpochSecond() / 3600, ts, 1, java.util.List.of(),
        null, -1, -1, io.hourmeter.spi.ReportState.FROZEN, 0, false, null, null, ts);
  }
}
