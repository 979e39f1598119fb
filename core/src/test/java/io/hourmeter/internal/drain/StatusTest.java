package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static io.hourmeter.internal.drain.DrainerFixture.hourStart;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.HourmeterException;
import io.hourmeter.HourmeterException.Kind;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeterStatus.Sending;
import io.hourmeter.MeteringMode;
import io.hourmeter.spi.CircuitState;
import io.hourmeter.spi.OutcomeClass;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusTest {
  @TempDir
  Path dir;

  @Test
  void statusShowsPendingUnitsPerHourAndTheOldestUnsentHourWithItsTimeLeft() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 3);
    f.advance(Duration.ofHours(1));
    f.record("users", 1);
    f.record("requests", 2);
    f.aws.failNext(100, OutcomeClass.RETRYABLE);
    f.advance(Duration.ofMinutes(2)).drain();

    MeterStatus status = f.meter.status();

    assertThat(status.mode()).isEqualTo(MeteringMode.HOURLY);
    assertThat(status.drainer()).isTrue();
    assertThat(status.pendingUnitsByHour()).containsExactly(
        Map.entry(hourStart(HOUR), Map.of("users", 3L)),
        Map.entry(hourStart(HOUR + 1), Map.of("users", 1L, "requests", 2L)));
    assertThat(status.oldestUnsentHour()).isEqualTo(hourStart(HOUR));
    assertThat(status.timeLeftBeforeDeadline()).isEqualTo(Duration.ofHours(6).minusMinutes(62));
    assertThat(status.lastError()).contains("SEND_RETRYABLE");
    assertThat(status.lastErrorAt()).isEqualTo(f.clock.instant());
    assertThat(status.consecutiveFailures()).isEqualTo(1);
    assertThat(status.sending()).isEqualTo(Sending.BACKING_OFF);
    assertThat(status.circuitState()).isEqualTo(CircuitState.DISABLED);
    assertThat(status.journalBytes()).isPositive();
    assertThat(status.closed()).isFalse();
  }

  @Test
  void theListenerHearsOfEachChangeOnTheDrainerThreadAndAThrowingListenerIsIgnored() {
    List<MeterStatus> heard = new ArrayList<>();
    DrainerFixture f = new DrainerFixture(dir, b -> b.sendJitter(Duration.ZERO));
    f.drain();
    int before = f.statuses.size();
    f.drain();
    assertThat(f.statuses).as("no change, no call").hasSize(before);
    f.record("users", 1);
    f.drain();
    assertThat(f.statuses).hasSize(before + 1);
    assertThat(f.statuses.get(before).pendingUnitsByHour()).isNotEmpty();

    DrainerFixture g = new DrainerFixture(dir.resolve("g"), DrainerFixture.noJitter());
    g.statusHook = s -> {
      heard.add(s);
      throw new IllegalStateException("listener bug");
    };
    g.record("users", 1);
    g.run(Duration.ofMinutes(62));
    assertThat(heard).isNotEmpty();
    assertThat(g.aws.accepted()).hasSize(1);
  }

  @Test
  void refusedUnitsAreReportedAsDiskLowFromTheDrainerNotTheRecordingThread() {
    List<Thread> handlerThreads = new ArrayList<>();
    List<HourmeterException> errors = new ArrayList<>();
    DrainerFixture f = new DrainerFixture(dir, b -> b.sendJitter(Duration.ZERO).minFreeDiskBytes(1000));
    f.alertHook = e -> {
      handlerThreads.add(Thread.currentThread());
      errors.add(e);
      throw new IllegalStateException("handler bug");
    };
    f.usableBytes.set(10);
    Thread recorder = new Thread(() -> {
      f.meter.record("users", 7);
      f.meter.record("users", 8);
    });
    recorder.start();
    try {
      recorder.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertThat(errors).isEmpty();

    f.drain();

    assertThat(errors).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(Kind.DISK_LOW);
      assertThat(e.getMessage()).startsWith("15 units");
    });
    assertThat(handlerThreads).containsOnly(Thread.currentThread()).doesNotContain(recorder);
    assertThat(f.meter.status().refusedUnits()).isEqualTo(15);
    assertThat(f.meter.status().diskLow()).isTrue();
  }

  @Test
  void aFailedPermissionCheckAtStartIsReportedWithoutBlockingRecord() {
    DrainerFixture f = new DrainerFixture(dir, b -> b.sendJitter(Duration.ZERO).checkPermissionAtStart(true));
    f.submitter = new HourlyDrainTest.ForwardingSubmitter(f.aws) {
      @Override
      public io.hourmeter.spi.SubmitOutcome checkPermission(String productCode, String dimension) {
        return io.hourmeter.spi.SubmitOutcome.failed(OutcomeClass.CONFIGURATION, "UnauthorizedException",
            "not allowed: aws-marketplace:MeterUsage");
      }
    };
    f.meter.close();
    f.meter = f.build();
    assertThat(f.meter.record("users", 1)).isTrue();
    f.drain();

    assertThat(f.alerts).extracting(HourmeterException::kind).contains(Kind.CONFIGURATION);
    assertThat(f.meter.status().lastError()).contains("aws-marketplace:MeterUsage");
  }

  @Test
  void statusAfterCloseSaysClosed() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.drain();
    f.meter.close();

    assertThat(f.meter.status().closed()).isTrue();
    assertThat(f.meter.status().drainer()).isFalse();
  }
}
