package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static io.hourmeter.internal.drain.DrainerFixture.hourStart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.hourmeter.HourmeterException;
import io.hourmeter.Meter;
import io.hourmeter.MeterStatus.Sending;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.RecordingUsageSubmitter.Accepted;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@link Error} inside a drainer step (an OutOfMemoryError, a StackOverflowError, any
 * VirtualMachineError) is handled like any other failure: reported, every in-memory figure dropped,
 * and the state rebuilt from the ledger and the journal before the next step. Memory never runs ahead
 * of, or behind, the ledger.
 */
class ErrorInStepTest {
  @TempDir
  Path dir;

  @Test
  void anOutOfMemoryErrorDuringAFreezeLosesNoUnits() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    AtomicBoolean thrown = new AtomicBoolean();
    f.hooked.beforeCommit = puts -> {
      if (puts.containsKey(LedgerCodec.FROZEN_THROUGH) && thrown.compareAndSet(false, true)) {
        throw new OutOfMemoryError("test: during the freeze");
      }
    };
    f.record("users", 5);
    f.drain();
    f.advance(Duration.ofMinutes(62));
    f.record("users", 7);

    assertThatCode(f::drain).as("a step never throws, not even an Error").doesNotThrowAnyException();
    f.run(Duration.ofHours(1));

    assertThat(thrown).isTrue();
    assertThat(f.aws.accepted()).extracting(Accepted::timestamp, Accepted::quantity).containsExactly(
        Tuple.tuple(hourStart(HOUR), 5L), Tuple.tuple(hourStart(HOUR + 1), 7L));
    assertThat(f.meter.status().acceptedUnits()).isEqualTo(12);
    assertThat(f.alerts).anySatisfy(e -> {
      assertThat(e.kind()).isEqualTo(HourmeterException.Kind.DRAINER);
      assertThat(e.getCause()).isInstanceOf(OutOfMemoryError.class);
    });
  }

  @Test
  void anErrorFromSubmitLeavesTheReportOutcomeUnknownAndItIsResentUnchanged() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    AtomicBoolean thrown = new AtomicBoolean();
    f.submitter = new HourlyDrainTest.ForwardingSubmitter(f.aws) {
      @Override
      public SubmitOutcome submit(UsageReport report) {
        if (thrown.compareAndSet(false, true)) {
          throw new StackOverflowError("test: inside the submitter");
        }
        return super.submit(report);
      }
    };
    f.meter.close();
    f.meter = f.build();
    f.record("users", 8);
    f.advance(Duration.ofMinutes(62));

    assertThatCode(f::drain).doesNotThrowAnyException();
    UsageReport inFlight = f.reports(ReportState.IN_FLIGHT).get(0);
    assertThat(f.drainer().state()).as("memory was dropped with the failed step").isNull();
    assertThat(f.meter.status().sending()).isEqualTo(Sending.RECOVERING);
    f.run(Duration.ofMinutes(2));

    assertThat(f.aws.sent()).singleElement().satisfies(resent ->
        assertThat(HourlyDrainTest.wire(resent)).isEqualTo(HourlyDrainTest.wire(inFlight)));
    assertThat(f.reports(ReportState.ACCEPTED)).singleElement().satisfies(r -> {
      assertThat(r.id()).isEqualTo(inFlight.id());
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(r.outcomeUnknown()).as("the thrown send may have reached AWS").isTrue();
    });
  }

  @Test
  void theRunnerThreadSurvivesAnErrorInAStepAndTheMeterGoesOnDraining() throws Exception {
    var clock = io.hourmeter.testing.MutableClock.atHour(HOUR);
    var aws = new io.hourmeter.testing.RecordingUsageSubmitter(clock, "prod-x", java.util.Set.of("users"));
    AtomicBoolean thrown = new AtomicBoolean();
    var failingOnce = new HourlyDrainTest.ForwardingSubmitter(aws) {
      @Override
      public SubmitOutcome submit(UsageReport report) {
        if (thrown.compareAndSet(false, true)) {
          throw new InternalError("test: a VirtualMachineError inside the submitter");
        }
        return super.submit(report);
      }
    };
    java.util.List<HourmeterException> alerts = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Meter meter = Meter.builder().productCode("prod-x").dimensions("users").journalDirectory(dir.resolve("j"))
        .submitter(failingOnce).clock(clock).storage(new InMemoryStorage()).sendJitter(Duration.ZERO)
        .freeSpaceProbe(d -> Long.MAX_VALUE).errorHandler(alerts::add).build()) {
      meter.record("users", 3);
      clock.advance(Duration.ofMinutes(62));
      long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (aws.accepted().isEmpty() && System.nanoTime() < until) {
        Thread.sleep(20);
        clock.advance(Duration.ofMillis(200));
      }

      assertThat(thrown).isTrue();
      assertThat(aws.accepted()).singleElement().extracting(Accepted::quantity).isEqualTo(3L);
      assertThat(alerts).anySatisfy(e -> assertThat(e.getCause()).isInstanceOf(InternalError.class));
    }
  }
}
