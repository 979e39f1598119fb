package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static io.hourmeter.internal.drain.DrainerFixture.hourStart;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Meter;
import io.hourmeter.ShutdownPolicy;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import io.hourmeter.testing.RecordingUsageSubmitter;
import java.nio.file.Path;
import java.time.Duration;
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
