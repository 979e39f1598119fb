package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static io.hourmeter.internal.drain.DrainerFixture.hourStart;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.RecordingUsageSubmitter.Accepted;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After a crash or restart the drainer rebuilds its state exactly from the ledger and the journal. */
class RecoveryTest {
  @TempDir
  Path dir;

  /**
   * Ends the step where the submitter (or the permission call) is, as a process death there would; the
   * drainer catches it like any Error, and {@link DrainerFixture#crashAndRestart()} is the death.
   */
  static final class Crash extends Error {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void aReportInFlightAtACrashIsResentUnchangedAfterRestart() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.submitter = new HourlyDrainTest.ForwardingSubmitter(f.aws) {
      @Override
      public SubmitOutcome submit(UsageReport report) {
        throw new Crash();
      }
    };
    f.meter.close();
    f.meter = f.build();
    f.record("users", 8);
    f.advance(Duration.ofMinutes(62));
    f.drain(); // the step ends mid-send; crashAndRestart() below is the process death
    UsageReport inFlight = f.reports(ReportState.IN_FLIGHT).get(0);

    f.submitter = f.aws;
    f.crashAndRestart().drain();

    assertThat(f.aws.sent()).singleElement().satisfies(resent -> {
      assertThat(resent.id()).isEqualTo(inFlight.id());
      assertThat(HourlyDrainTest.wire(resent)).isEqualTo(HourlyDrainTest.wire(inFlight));
    });
    assertThat(f.reports(ReportState.ACCEPTED)).singleElement().satisfies(r -> {
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(r.outcomeUnknown()).as("a crash mid-send leaves the outcome unknown").isTrue();
    });
  }

  @Test
  void unfrozenHoursAreRebuiltFromTheJournalWithoutLossOrDoubleCounting() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 2);
    f.run(Duration.ofMinutes(30));
    f.record("users", 3);
    f.drain();
    f.crashAndRestart();
    f.record("users", 4);
    f.run(Duration.ofMinutes(20));
    f.crashAndRestart();
    f.run(Duration.ofMinutes(15));

    assertThat(f.aws.accepted()).singleElement().satisfies(a -> {
      assertThat(a.quantity()).isEqualTo(9);
      assertThat(a.timestamp()).isEqualTo(hourStart(HOUR));
    });
  }

  @Test
  void aCrashAfterAFreezeSendsTheFrozenReportAndNeverRefreezesTheHour() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.submitter = new HourlyDrainTest.ForwardingSubmitter(f.aws) {
      @Override
      public io.hourmeter.spi.SendPermission tryAcquirePermission() {
        throw new Crash();
      }
    };
    f.meter.close();
    f.meter = f.build();
    f.record("users", 5);
    f.record("requests", 1);
    f.advance(Duration.ofMinutes(61).plusSeconds(1));
    f.drain(); // the step ends between the freeze and the first send
    assertThat(f.reports(ReportState.FROZEN)).hasSize(2);
    f.submitter = f.aws;
    f.crashAndRestart();
    f.record("users", 1);
    f.run(Duration.ofHours(1));

    assertThat(f.aws.accepted()).extracting(Accepted::dimension, Accepted::timestamp, Accepted::quantity)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("requests", hourStart(HOUR), 1L),
            org.assertj.core.groups.Tuple.tuple("users", hourStart(HOUR), 5L),
            org.assertj.core.groups.Tuple.tuple("users", hourStart(HOUR + 1), 1L));
  }

  @Test
  void buildReturnsAndRecordsBeforeTheDrainerHasRecovered() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 5);
    f.run(Duration.ofMinutes(62));
    f.crashAndRestart();

    assertThat(f.meter.record("users", 1)).isTrue();
    assertThat(f.drainer().state()).as("nothing was rebuilt yet").isNull();
    f.run(Duration.ofHours(1));
    assertThat(f.acceptedUnits("users")).isEqualTo(6);
  }

  @Test
  void aCleanRestartWithTheLeaveOpenHourPolicyReportsTheOpenHourLater() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 5);
    f.drain();
    f.restart();
    assertThat(f.aws.sent()).isEmpty();
    f.record("users", 1);
    f.run(Duration.ofMinutes(62));

    assertThat(f.aws.accepted()).singleElement().extracting(Accepted::quantity).isEqualTo(6L);
  }
}
