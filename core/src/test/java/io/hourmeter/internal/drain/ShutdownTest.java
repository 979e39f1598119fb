package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static io.hourmeter.internal.drain.DrainerFixture.hourStart;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeterStatus.Sending;
import io.hourmeter.ShutdownPolicy;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import io.hourmeter.testing.RecordingUsageSubmitter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownTest {
  @TempDir
  Path dir;

  @Test
  void reportPartialHourFreezesAndSendsTheOpenHourAtClose() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.partialHour());
    f.advance(Duration.ofMinutes(30));
    f.record("users", 5);
    f.drain();

    f.meter.close();

    assertThat(f.aws.accepted()).singleElement().satisfies(a -> {
      assertThat(a.quantity()).isEqualTo(5);
      assertThat(a.timestamp()).isEqualTo(hourStart(HOUR));
    });
    assertThat(f.ledger().frozenThrough()).isEqualTo(HOUR);
  }

  @Test
  void reportPartialHourCutsAndSendsPendingAgentCoreUsageAtClose() {
    DrainerFixture f = new DrainerFixture(dir, b -> DrainerFixture.agentCore().accept(
        b.shutdownPolicy(ShutdownPolicy.REPORT_PARTIAL_HOUR)));
    f.drain();
    f.record("users", 4);
    f.advance(Duration.ofSeconds(1)).drain();
    assertThat(f.aws.sent()).as("the cut interval has not passed").isEmpty();

    f.meter.close();

    assertThat(f.aws.accepted()).singleElement().satisfies(a -> {
      assertThat(a.quantity()).isEqualTo(4);
      assertThat(a.clientToken()).startsWith("hm1-");
    });
  }

  @Test
  void statusAfterCloseWithReportPartialHourShowsTheFlushedHourAcceptedAndNothingPending() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.partialHour());
    f.record("users", 4);
    f.run(Duration.ofMinutes(62));
    f.record("users", 5);
    f.record("requests", 2);
    f.drain();
    assertThat(f.meter.status().pendingUnitsByHour()).containsKey(hourStart(HOUR + 1));

    f.meter.close();

    MeterStatus status = f.meter.status();
    assertThat(f.aws.accepted()).hasSize(3);
    assertThat(status.closed()).isTrue();
    assertThat(status.sending()).isEqualTo(Sending.CLOSED);
    assertThat(status.drainer()).as("the lock was released").isFalse();
    assertThat(status.pendingUnitsByHour()).isEmpty();
    assertThat(status.oldestUnsentHour()).isNull();
    assertThat(status.acceptedReports()).isEqualTo(3);
    assertThat(status.acceptedUnits()).isEqualTo(11);
    assertThat(f.statuses.get(f.statuses.size() - 1)).as("the listener is told the final figures")
        .satisfies(last -> {
          assertThat(last.sending()).isEqualTo(Sending.CLOSED);
          assertThat(last.acceptedUnits()).isEqualTo(11);
          assertThat(last.pendingUnitsByHour()).isEmpty();
        });
  }

  @Test
  void statusAfterCloseWithLeaveOpenHourShowsWhatWaitsForTheNextStartIncludingUnitsRecordedAfterTheLastStep() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 5);
    f.drain();
    f.record("users", 2);

    f.meter.close();

    MeterStatus status = f.meter.status();
    assertThat(f.aws.sent()).isEmpty();
    assertThat(status.sending()).isEqualTo(Sending.CLOSED);
    assertThat(status.pendingUnitsByHour()).containsExactly(Map.entry(hourStart(HOUR), Map.of("users", 7L)));
    assertThat(status.oldestUnsentHour()).isEqualTo(hourStart(HOUR));
    f.restart().run(Duration.ofMinutes(62));
    assertThat(f.acceptedUnits("users")).isEqualTo(7);
  }

  @Test
  void aMeterClosedBeforeItsDrainersFirstStepStillCountsWhatWaitsForTheNextStart() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 3);

    f.meter.close();

    assertThat(f.meter.status().pendingUnitsByHour()).containsExactly(
        Map.entry(hourStart(HOUR), Map.of("users", 3L)));
    assertThat(f.meter.status().sending()).isEqualTo(Sending.CLOSED);
  }

  @Test
  void theClosingLogLineSaysHowManyUnitsWaitAndWhyAShortRunSentNothing() {
    Path journal = dir.resolve("j");
    java.util.SortedMap<java.time.Instant, Map<String, Long>> pending =
        new java.util.TreeMap<>(Map.of(hourStart(HOUR), Map.of("users", 7L, "requests", 2L)));

    assertThat(Drainer.whatWaits(true, false, pending, journal))
        .contains("9 units wait in " + journal + " for the next start")
        .contains("LEAVE_OPEN_HOUR").contains("REPORT_PARTIAL_HOUR").contains("hourGrace");
    assertThat(Drainer.whatWaits(true, true, pending, journal)).contains("9 units wait").contains("closeTimeout");
    assertThat(Drainer.whatWaits(true, false, new java.util.TreeMap<>(), journal)).contains("nothing");
    assertThat(Drainer.whatWaits(false, false, new java.util.TreeMap<>(), journal)).contains("not the drainer");
  }

  @Test
  void leaveOpenHourSendsNothingAtClose() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 5);
    f.drain();
    f.meter.close();

    assertThat(f.aws.sent()).isEmpty();
    assertThat(f.meter.record("users", 1)).as("record after close is refused").isFalse();
  }

  @Test
  void closeWaitsForTheInFlightSendOfTheDrainerThread() throws Exception {
    MutableClock clock = MutableClock.atHour(HOUR);
    RecordingUsageSubmitter aws = new RecordingUsageSubmitter(clock, "prod-x", Set.of("users"));
    CountDownLatch sending = new CountDownLatch(1);
    var slow = new HourlyDrainTest.ForwardingSubmitter(aws) {
      @Override
      public SubmitOutcome submit(UsageReport report) {
        sending.countDown();
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return super.submit(report);
      }
    };
    Meter meter = Meter.builder().productCode("prod-x").dimensions("users").journalDirectory(dir.resolve("j"))
        .submitter(slow).clock(clock).storage(new InMemoryStorage()).sendJitter(Duration.ZERO)
        .freeSpaceProbe(d -> Long.MAX_VALUE).shutdownPolicy(ShutdownPolicy.LEAVE_OPEN_HOUR).build();
    meter.record("users", 3);
    clock.advance(Duration.ofMinutes(62));
    assertThat(sending.await(30, TimeUnit.SECONDS)).isTrue();

    meter.close();

    assertThat(aws.accepted()).singleElement().extracting(RecordingUsageSubmitter.Accepted::quantity).isEqualTo(3L);
    assertThat(meter.status().acceptedReports()).isEqualTo(1);
  }
}
