package io.hourmeter.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.MeterStatus;
import io.hourmeter.internal.drain.LedgerCodec;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.StorageProvider;
import io.hourmeter.spi.UsageReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every CLI command on a journal that a real meter wrote, while it runs and after it closed. */
class HourmeterCliTest {

  @Test
  void everyCommandPrintsItsHelpWithDashDashHelpWithoutAJournalDirectory() {
    for (String command : new String[] {"status", "hours", "dump", "verify", "dead-letters", "customers"}) {
      for (String flag : new String[] {"--help", "-h"}) {
        CliRun run = CliRun.of(command, flag);

        assertThat(run.exitCode()).as(command + " " + flag + "\n" + run).isZero();
        assertThat(run.out()).as(command + " " + flag).contains("Usage: hourmeter " + command)
            .contains("JOURNAL_DIR");
        assertThat(run.err()).as(command + " " + flag).isEmpty();
      }
    }
    CliRun help = CliRun.of("help", "status");
    assertThat(help.out()).isEqualTo(CliRun.of("status", "--help").out());
  }

  @Test
  void statusShowsWhatMeterStatusShowsWhileTheApplicationRuns(@TempDir Path dir) throws Exception {
    try (MeteredJournal journal = new MeteredJournal(dir)) {
      MeterStatus status = journal.await(s -> s.pendingUnitsByHour().size() == 1, "only the open hour pending");

      CliRun run = CliRun.of("status", dir.toString(), "--json");
      CliRun text = CliRun.of("status", dir.toString());

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out())
          .contains("\"drainerRunning\":true")
          .contains("\"acceptedReports\":" + status.acceptedReports())
          .contains("\"acceptedUnits\":" + status.acceptedUnits())
          .contains("\"deadLetteredReports\":" + status.deadLetteredReports())
          .contains("\"deadLetteredUnits\":" + status.deadLetteredUnits())
          .contains("\"carriedUnits\":" + status.carriedUnits())
          .contains("\"oldestUnsentHour\":\"" + status.oldestUnsentHour() + "\"")
          .contains("\"pendingUnitsByHour\":{\"" + status.oldestUnsentHour() + "\":{\"users\":1}}");
      assertThat(status.pendingUnitsByHour()).containsEntry(status.oldestUnsentHour(), Map.of("users", 1L));
      assertThat(text.out()).contains("acceptedReports").contains("users").contains(DirectoryStatus.PROCESS_ONLY);
    }
  }

  @Test
  void hoursListsEveryHourAndDimensionWithStateRecordIdAndDeadline(@TempDir Path dir) throws Exception {
    try (MeteredJournal journal = new MeteredJournal(dir)) {
      CliRun run = CliRun.of("hours", dir.toString(), "--json");
      CliRun table = CliRun.of("hours", dir.toString());

      assertThat(run.exitCode()).as(run.toString()).isZero();
      String out = run.out();
      assertThat(count(out, "\"state\":\"ACCEPTED\"")).isEqualTo(3);
      assertThat(count(out, "\"state\":\"DEAD_LETTERED\"")).isEqualTo(1);
      assertThat(out).contains("{\"hour\":\"2026-11-23T03:00:00Z\",\"dimension\":\"users\",\"journalUnits\":1,"
          + "\"state\":\"OPEN\"");
      assertThat(out).contains("\"hour\":\"2026-11-23T02:00:00Z\",\"dimension\":\"users\",\"journalUnits\":10,");
      assertThat(out).contains("\"deadline\":\"2026-11-23T07:00:00Z\"");
      assertThat(out).as("the 02:00 users report has an untagged and a tagged allocation")
          .contains("\"allocations\":\"(untagged):5 team=blue:5\"");
      for (var accepted : journal.submitter.accepted()) {
        assertThat(out).contains("\"meteringRecordId\":\"" + accepted.recordId() + "\"");
      }
      assertThat(table.out()).contains("MeteringRecordId").contains("DEAD_LETTERED").contains("OPEN");
    }
  }

  @Test
  void dumpPrintsEveryRecordTheApplicationMadeWhileItRuns(@TempDir Path dir) throws Exception {
    try (MeteredJournal journal = new MeteredJournal(dir)) {
      CliRun run = CliRun.of("dump", dir.toString());

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out()).contains(journal.records + " record(s)");
      assertThat(run.out().lines().filter(l -> l.contains("team=blue")).count()).as(run.out()).isEqualTo(1);
    }
  }

  @Test
  void verifyPassesOnAJournalNobodyTouched(@TempDir Path dir) throws Exception {
    try (MeteredJournal journal = new MeteredJournal(dir)) {
      CliRun whileRunning = CliRun.of("verify", dir.toString());
      journal.close();
      CliRun afterClose = CliRun.of("verify", dir.toString(), "--json");

      assertThat(whileRunning.exitCode()).as(whileRunning.toString()).isZero();
      assertThat(whileRunning.out()).startsWith("verify: OK. 4 frozen hour-dimension(s) match the ledger");
      assertThat(afterClose.exitCode()).as(afterClose.toString()).isZero();
      assertThat(afterClose.out()).contains("\"ok\":true").contains("\"differences\":[]");
    }
  }

  @Test
  void verifyCatchesAFrozenReportWhoseQuantityWasAltered(@TempDir Path dir) throws Exception {
    try (MeteredJournal journal = new MeteredJournal(dir)) {
      journal.close();
    }
    StorageProvider storage = ServiceLoader.load(StorageProvider.class).findFirst().orElseThrow();
    try (ReportLedger ledger = storage.openLedger(dir)) {
      Map.Entry<String, String> entry = ledger.load().entrySet().stream()
          .filter(e -> e.getKey().startsWith(LedgerCodec.REPORT_PREFIX))
          .filter(e -> LedgerCodec.decodeReport(e.getValue()).state() == ReportState.ACCEPTED)
          .findFirst().orElseThrow();
      UsageReport r = LedgerCodec.decodeReport(entry.getValue());
      UsageReport altered = new UsageReport(r.id(), r.productCode(), r.dimension(), r.epochHour(), r.timestamp(),
          r.quantity() + 1, r.allocations(), r.clientToken(), r.rangeStart(), r.rangeEnd(), r.state(), r.attempts(),
          r.outcomeUnknown(), r.meteringRecordId(), r.reason(), r.updatedAt());
      ledger.commit(Map.of(entry.getKey(), LedgerCodec.encodeReport(altered)), Set.of());
    }

    CliRun run = CliRun.of("verify", dir.toString());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(VerifyCommand.DIFFERENCE);
    assertThat(run.out()).contains("1 difference(s)").contains("report quantities plus carry pool");
  }

  @Test
  void deadLettersAreListedAndReQueuedOnlyWithConfirmation(@TempDir Path dir) throws Exception {
    try (MeteredJournal journal = new MeteredJournal(dir)) {
      CliRun list = CliRun.of("dead-letters", dir.toString());
      CliRun unconfirmed = CliRun.of("dead-letters", dir.toString(), "--requeue");

      assertThat(list.exitCode()).as(list.toString()).isZero();
      assertThat(list.out()).contains("InvalidReport").contains("1 dead letter(s)");
      assertThat(unconfirmed.exitCode()).isEqualTo(2);
      assertThat(unconfirmed.err()).contains("add --yes");
      assertThat(dir.resolve("hourmeter-requeue")).doesNotExist();

      CliRun confirmed = CliRun.of("dead-letters", dir.toString(), "--requeue", "--yes");
      assertThat(confirmed.exitCode()).as(confirmed.toString()).isZero();
      Matcher id = Pattern.compile("re-queue requested for report (\\d+)").matcher(confirmed.out());
      assertThat(id.find()).as(confirmed.out()).isTrue();

      // The running drainer acts on the request on its own clock's schedule, then resends the report.
      journal.clock.advance(Duration.ofSeconds(10));
      journal.await(s -> s.acceptedReports() == 4, "the re-queued report accepted");
      CliRun after = CliRun.of("dead-letters", dir.toString(), "--json");
      assertThat(after.out().strip()).isEqualTo("[]");
      assertThat(journal.submitter.accepted()).hasSize(4);
      try (var files = Files.list(dir.resolve("hourmeter-requeue"))) {
        assertThat(files).noneMatch(f -> f.getFileName().toString().endsWith(".requeue"));
      }
    }
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      count++;
    }
    return count;
  }
}
