package io.hourmeter.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.CarryPolicy;
import io.hourmeter.Meter;
import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.MutableClock;
import io.hourmeter.testing.RecordingUsageSubmitter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dead-letters --requeue} says what each re-queue will do before it acts, and refuses an
 * outcome-unknown letter whose window has closed unless the operator adds {@code --not-billed}.
 */
class DeadLettersRequeueTest {
  private static final long OVER = 3_000_000_000L;

  @Test
  void requeueSaysALetterOfAReportedHourIsCarriedAndRefusesAnOutcomeUnknownOneWithoutNotBilled(@TempDir Path dir)
      throws Exception {
    // The clock is in the past of the CLI's wall clock, so the letters' windows have closed for the CLI.
    MutableClock clock = MutableClock.atHour(MeteredJournal.H);
    RecordingUsageSubmitter aws = new RecordingUsageSubmitter(clock, MeteredJournal.PRODUCT, Set.of("users"));
    // The hour's report: first an unknown outcome, then refused as invalid: an outcome-unknown letter.
    aws.failNext(1, OutcomeClass.OUTCOME_UNKNOWN).failNext(1, OutcomeClass.INVALID_REPORT);
    try (Meter meter = Meter.builder().productCode(MeteredJournal.PRODUCT).dimensions("users").journalDirectory(dir)
        .submitter(aws).clock(clock).sendJitter(Duration.ZERO).carryPolicy(CarryPolicy.DEAD_LETTER).build()) {
      assertThat(meter.dimension("users").record(OVER)).isTrue();
      clock.advance(Duration.ofMinutes(62));
      MeteredJournal.await(meter, s -> s.consecutiveFailures() == 1, "the first send's outcome unknown");
      clock.advance(Duration.ofMinutes(1));
      MeteredJournal.await(meter, s -> s.deadLetteredReports() == 2, "the hour's report and its overflow dead-lettered");
      long unknown;
      long overflow;
      try (JournalInspection inspection = JournalInspection.open(dir)) {
        List<UsageReport> letters = inspection.deadLetters().stream().map(JournalInspection.ReportView::report).toList();
        unknown = letters.stream().filter(UsageReport::outcomeUnknown).findFirst().orElseThrow().id();
        overflow = letters.stream().filter(r -> !r.outcomeUnknown()).findFirst().orElseThrow().id();
      }

      CliRun all = CliRun.of("dead-letters", dir.toString(), "--requeue", "--yes");

      assertThat(all.exitCode()).as(all.toString()).isEqualTo(CliFailure.USAGE);
      assertThat(all.out()).contains("report " + unknown + ": refused: its outcome is unknown")
          .contains("--not-billed")
          .contains("report " + overflow + ": will be carried into the next unfrozen hour");
      assertThat(dir.resolve("hourmeter-requeue")).as("nothing written when one is refused").doesNotExist();

      CliRun json = CliRun.of("dead-letters", dir.toString(), "--requeue", "--yes", "--id", Long.toString(overflow),
          "--json");

      assertThat(json.exitCode()).as(json.toString()).isZero();
      assertThat(json.out()).contains("\"reportId\":" + overflow).contains("\"action\":\"CARRY\"")
          .contains("\"request\":");
      clock.advance(Duration.ofSeconds(10));
      MeteredJournal.await(meter, s -> s.deadLetteredReports() == 1, "the overflow letter carried");
      try (JournalInspection inspection = JournalInspection.open(dir)) {
        assertThat(inspection.reports()).filteredOn(v -> v.report().id() == overflow).singleElement()
            .satisfies(v -> assertThat(v.report().state()).isEqualTo(ReportState.CARRIED));
      }

      CliRun asserted = CliRun.of("dead-letters", dir.toString(), "--requeue", "--yes", "--not-billed", "--id",
          Long.toString(unknown), "--json");

      assertThat(asserted.exitCode()).as(asserted.toString()).isZero();
      assertThat(asserted.out()).contains("\"action\":\"CARRY\"").contains("asserts AWS did not bill it");
    }
  }
}
