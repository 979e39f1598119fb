package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.internal.inspect.JournalInspection.HourCheck;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.ReportState;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalInspectionTest {
  @TempDir
  Path dir;

  @Test
  void inspectionListsReportsAndDeadLettersWhileTheDrainerRuns() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.aws.failNext(1, OutcomeClass.INVALID_REPORT);
    f.record("users", 5);
    f.record("requests", 2);
    f.run(Duration.ofMinutes(62));

    try (JournalInspection inspection = JournalInspection.open(f.directory, f.storage)) {
      assertThat(inspection.drainerRunning()).isTrue();
      assertThat(inspection.reports()).hasSize(2);
      assertThat(inspection.reportsByHour()).containsOnlyKeys(DrainerFixture.hourStart(HOUR));
      assertThat(inspection.deadLetters()).singleElement().satisfies(v -> {
        assertThat(v.report().reason()).startsWith("InvalidReport");
        assertThat(v.windowEnd()).isEqualTo(DrainerFixture.hourStart(HOUR).plus(Duration.ofHours(6)));
      });
      var summary = inspection.summary();
      assertThat(summary.mode()).isEqualTo("HOURLY");
      assertThat(summary.frozenThrough()).isEqualTo(HOUR);
      assertThat(summary.reportsByState()).containsEntry(ReportState.ACCEPTED, 1).containsEntry(ReportState.DEAD_LETTERED, 1);
      assertThat(summary.counters().deadLetteredReports()).isEqualTo(1);
    }
  }

  @Test
  void verifyRecomputesHourSumsFromTheJournalAndTheyMatchTheLedger() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 5);
    f.run(Duration.ofMinutes(62));
    f.record("users", 1);

    try (JournalInspection inspection = JournalInspection.open(f.directory, f.storage)) {
      assertThat(inspection.verify()).allMatch(HourCheck::matches)
          .anySatisfy(c -> {
            assertThat(c.epochHour()).isEqualTo(HOUR);
            assertThat(c.frozen()).isTrue();
            assertThat(c.journalUnits()).isEqualTo(BigInteger.valueOf(5));
          })
          .anySatisfy(c -> assertThat(c.frozen()).isFalse());
    }
  }

  @Test
  void verifyReportsAMismatchWhenTheLedgerDisagreesWithTheJournal() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 5);
    f.run(Duration.ofMinutes(62));
    f.drainer().dieForTest();
    try (var ledger = f.storage.openLedger(f.directory)) {
      ledger.commit(java.util.Map.of(LedgerCodec.hourKey(HOUR), LedgerCodec.encodeUnits(
          java.util.Map.of(io.hourmeter.spi.UsageKey.of("users"), BigInteger.valueOf(4)))), java.util.Set.of());
    }

    try (JournalInspection inspection = JournalInspection.open(f.directory, f.storage)) {
      assertThat(inspection.verify()).filteredOn(c -> !c.matches()).singleElement().satisfies(c -> {
        assertThat(c.journalUnits()).isEqualTo(BigInteger.valueOf(5));
        assertThat(c.ledgerUnits()).isEqualTo(BigInteger.valueOf(4));
      });
    }
  }

  @Test
  void aRequeueRequestIsActedOnByTheRunningDrainer() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.aws.failNext(1, OutcomeClass.INVALID_REPORT);
    f.record("users", 5);
    f.run(Duration.ofMinutes(62));
    long id = f.reports(ReportState.DEAD_LETTERED).get(0).id();

    try (JournalInspection inspection = JournalInspection.open(f.directory, f.storage)) {
      assertThatThrownBy(() -> inspection.requestRequeue(id + 100, false)).isInstanceOf(IllegalArgumentException.class);
      inspection.requestRequeue(id, false);
    }
    f.run(Duration.ofSeconds(10));

    assertThat(f.reports(ReportState.ACCEPTED)).singleElement().extracting(r -> r.id()).isEqualTo(id);
    assertThat(f.acceptedUnits("users")).isEqualTo(5);
  }
}
