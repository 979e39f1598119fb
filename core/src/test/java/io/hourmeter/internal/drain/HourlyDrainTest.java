package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static io.hourmeter.internal.drain.DrainerFixture.hourStart;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.SendPermission;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.spi.UsageSubmitter;
import io.hourmeter.testing.MutableClock;
import io.hourmeter.testing.RecordingUsageSubmitter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HourlyDrainTest {
  @TempDir
  Path dir;

  @Test
  void anHourIsSentOnlyAfterItsEndPlusGraceWithItsStartAsTimestamp() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.advance(Duration.ofMinutes(10));
    f.record("users", 3);
    f.record("users", 4);
    f.record("requests", 10);

    f.run(Duration.ofMinutes(50));
    assertThat(f.aws.sent()).as("the hour has not ended").isEmpty();
    f.run(Duration.ofSeconds(59));
    assertThat(f.aws.sent()).as("the hour has ended but the grace has not passed").isEmpty();
    f.run(Duration.ofSeconds(1));

    assertThat(f.aws.accepted()).hasSize(2);
    assertThat(f.aws.accepted()).allSatisfy(a -> assertThat(a.timestamp()).isEqualTo(hourStart(HOUR)));
    assertThat(f.acceptedUnits("users")).isEqualTo(7);
    assertThat(f.acceptedUnits("requests")).isEqualTo(10);
    assertThat(f.reports(ReportState.ACCEPTED)).extracting(UsageReport::meteringRecordId).doesNotContainNull();
  }

  @Test
  void nothingIsSentForAnHourWithoutUsageAndZeroIsNeverSent() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 0);

    f.run(Duration.ofHours(3));

    assertThat(f.aws.sent()).isEmpty();
    assertThat(f.ledger().reports()).isEmpty();
  }

  @Test
  void theFrozenReportIsInTheLedgerBeforeTheFirstSend() {
    List<UsageReport> seenInLedger = new ArrayList<>();
    DrainerFixture[] holder = new DrainerFixture[1];
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    holder[0] = f;
    f.submitter = new ForwardingSubmitter(f.aws) {
      @Override
      public SubmitOutcome submit(UsageReport report) {
        seenInLedger.addAll(holder[0].ledger().reports().values());
        return super.submit(report);
      }
    };
    f.meter.close();
    f.meter = f.build();
    f.record("users", 5);

    f.run(Duration.ofMinutes(62));

    assertThat(seenInLedger).singleElement().satisfies(r -> {
      assertThat(r.state()).isEqualTo(ReportState.IN_FLIGHT);
      assertThat(r.quantity()).isEqualTo(5);
      assertThat(r.timestamp()).isEqualTo(hourStart(HOUR));
    });
    assertThat(f.reports(ReportState.ACCEPTED)).singleElement().extracting(UsageReport::quantity).isEqualTo(5L);
  }

  @Test
  void recordsAppendedDuringTheGraceStillCountInTheirHourAndLaterOnesAreCarried() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 1);
    f.run(Duration.ofMinutes(60).plusSeconds(20));
    // Another process whose clock lags 30 s appends into the closed-but-not-frozen hour.
    MutableClock lagging = new MutableClock(f.clock.instant().minusSeconds(30));
    UsageJournal other = f.storage.openJournal(new JournalSettings(f.directory, lagging, 0, d -> Long.MAX_VALUE));
    assertThat(other.append(other.dimensionId("users"), 2, 0)).isTrue();
    f.drain();
    assertThat(f.aws.sent()).as("still inside the grace").isEmpty();

    f.run(Duration.ofSeconds(40));
    assertThat(f.aws.accepted()).singleElement().satisfies(a -> {
      assertThat(a.quantity()).isEqualTo(3);
      assertThat(a.timestamp()).isEqualTo(hourStart(HOUR));
    });

    // After the freeze, a lagging append lands in the frozen hour: it is carried, not lost.
    lagging.set(hourStart(HOUR).plusSeconds(3599));
    assertThat(other.append(other.dimensionId("users"), 4, 0)).isTrue();
    f.run(Duration.ofHours(1));

    assertThat(f.aws.accepted()).hasSize(2);
    assertThat(f.aws.accepted().get(1).timestamp()).isEqualTo(hourStart(HOUR + 1));
    assertThat(f.acceptedUnits("users")).isEqualTo(7);
    assertThat(f.ledger().hourUnits().get(HOUR)).containsEntry(io.hourmeter.spi.UsageKey.of("users"), java.math.BigInteger.valueOf(7));
  }

  @Test
  void theOldestHourIsSentFirst() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.aws.failNext(1, io.hourmeter.spi.OutcomeClass.CONFIGURATION);
    for (int h = 0; h < 3; h++) {
      f.record("users", h + 1);
      f.run(Duration.ofHours(1));
    }
    f.run(Duration.ofMinutes(10));

    assertThat(f.aws.accepted()).extracting(RecordingUsageSubmitter.Accepted::timestamp)
        .containsExactly(hourStart(HOUR), hourStart(HOUR + 1), hourStart(HOUR + 2));
  }

  @Test
  void theFirstSendWaitsARandomJitterWithinSendJitter() {
    DrainerFixture f = new DrainerFixture(dir, b -> b.sendJitter(Duration.ofMinutes(10)));
    f.record("users", 1);
    f.record("requests", 1);
    f.record("gpus", 1);
    f.run(Duration.ofMinutes(61));
    int sentAtFreeze = f.aws.sent().size();

    f.run(Duration.ofMinutes(10));

    assertThat(f.aws.accepted()).hasSize(3);
    assertThat(sentAtFreeze).as("three zero jitters out of 600,001 each are all but impossible").isLessThan(3);
    assertThat(f.aws.sent()).allSatisfy(r ->
        assertThat(r.updatedAt()).isBetween(hourStart(HOUR + 1).plusSeconds(60), hourStart(HOUR + 1).plusSeconds(660)));
  }

  @Test
  void aResendAfterALostResponseIsByteIdenticalAndItsSuccessIsSuccess() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.aws.acceptButLoseResponse(1);
    f.record("users", 9);

    f.run(Duration.ofMinutes(65));

    assertThat(f.aws.sent()).hasSize(2);
    UsageReport first = f.aws.sent().get(0);
    UsageReport second = f.aws.sent().get(1);
    assertThat(wire(second)).isEqualTo(wire(first));
    assertThat(f.aws.accepted()).hasSize(1);
    assertThat(f.reports(ReportState.ACCEPTED)).singleElement().satisfies(r -> {
      assertThat(r.outcomeUnknown()).isTrue();
      assertThat(r.attempts()).isEqualTo(2);
    });
  }

  static List<Object> wire(UsageReport r) {
    return List.of(r.productCode(), r.dimension(), r.timestamp(), r.quantity(), r.allocations(),
        String.valueOf(r.clientToken()));
  }

  /** A submitter that forwards to another; tests override what they watch. */
  static class ForwardingSubmitter implements UsageSubmitter {
    private final UsageSubmitter target;

    ForwardingSubmitter(UsageSubmitter target) {
      this.target = target;
    }

    @Override
    public SendPermission tryAcquirePermission() {
      return target.tryAcquirePermission();
    }

    @Override
    public SubmitOutcome submit(UsageReport report) {
      return target.submit(report);
    }

    @Override
    public Duration backoff(int consecutiveFailures) {
      return target.backoff(consecutiveFailures);
    }
  }
}
