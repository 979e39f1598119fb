package io.hourmeter.it.reliability;

import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.spi.UsageReport;
import java.nio.file.Path;
import java.util.List;

/**
 * What the ledger of a journal directory says, read through the read-only inspection API (the one the
 * CLI uses): the dead letters with their reasons (keyed by buyer too in SaaS mode, see {@link Keys}),
 * and the hours whose frozen sums disagree with the journal's own records.
 */
final class Inspection {
  private Inspection() { }

  static List<DeadLetter> deadLetters(Path journalDirectory) {
    try (JournalInspection inspection = JournalInspection.open(journalDirectory)) {
      return inspection.deadLetters().stream().map(JournalInspection.ReportView::report)
          .map(Inspection::deadLetter).toList();
    }
  }

  /** {@link JournalInspection#verify()}'s disagreements, one line each; empty when the ledger matches. */
  static List<String> ledgerMismatches(Path journalDirectory) {
    try (JournalInspection inspection = JournalInspection.open(journalDirectory)) {
      return inspection.verify().stream().filter(check -> !check.matches())
          .map(check -> check.dimension() + "@" + check.epochHour() + ": journal holds " + check.journalUnits()
              + " units, the ledger accounted " + check.ledgerUnits())
          .toList();
    }
  }

  private static DeadLetter deadLetter(UsageReport report) {
    return new DeadLetter(Keys.of(report.buyer(), report.dimension()), report.epochHour(), report.quantity(),
        report.reason(), report.timestamp(), report.clientToken());
  }
}
