package io.hourmeter.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Dimension;
import io.hourmeter.HourmeterException;
import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeteringMode;
import java.nio.file.Path;
import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Scenario 6, clock trouble: while threads record, the machine's wall clock jumps backwards and forwards
 * by minutes and by hours. The meter and the endpoint read the same troubled clock, as a host and a
 * clock-skewed view of AWS would; so the endpoint's six-hour window is the one the drainer must keep.
 * Hours must never be reported twice (usage recorded into an hour already reported after a backwards
 * jump is carried), nothing may be sent outside the window (the endpoint rejects nothing), and every
 * unit reconciles.
 */
@Execution(ExecutionMode.CONCURRENT)
class ClockTroubleTest {
  static final String[] DIMENSIONS = {"users", "requests"};

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  @ParameterizedTest
  @EnumSource(value = MeteringMode.class, names = {"HOURLY", "AGENTCORE"})
  void wallClockJumpsNeitherDoubleAnHourNorBreakTheWindow(MeteringMode mode) throws Exception {
    int hours = Soak.pick(10, 60);
    SharedClock time = SharedClock.startingNow(Duration.ofSeconds(2));
    JumpingClock clock = new JumpingClock(time.clock());
    List<HourmeterException> alerts = new CopyOnWriteArrayList<>();
    List<String> jumps = new ArrayList<>();
    Tally tally = new Tally();
    SplittableRandom random = new SplittableRandom(mode.ordinal() + 5);
    try (EndpointFixture endpoint = new EndpointFixture(clock, DIMENSIONS);
         Meter meter = ScaledMeter.build(tmp, mode, clock, ScaledMeter.submitter(endpoint.uri(), clock),
             0, null, alerts::add, null, DIMENSIONS)) {
      long until = System.nanoTime() + time.real(Duration.ofHours(hours)).toNanos();
      List<Thread> recorders = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        Thread recorder = new Thread(() -> record(meter, until, tally, seed), "clock-trouble-" + t);
        recorder.start();
        recorders.add(recorder);
      }
      while (System.nanoTime() < until) {
        Thread.sleep(time.real(Duration.ofMinutes(20 + random.nextInt(40))).toMillis());
        jumps.add(jump(clock, random));
      }
      for (Thread recorder : recorders) {
        recorder.join();
      }
      // The clock settles where it is (as after a last NTP step); everything must drain from there.
      long settledAt = clock.millis();
      MeterStatus status = ExternalDuplicateTest.awaitDrained(meter, clock,
          settledAt + Duration.ofHours(2).toMillis());

      Reconciliation reconciliation = Reconciliation.builder("clock trouble, " + jumps.size() + " jumps over "
          + hours + " hours", mode)
          .truth(tally.truth())
          .observed(endpoint, tmp)
          .status(status)
          .build();
      System.out.printf("%nclock trouble (%s): jumps %s; carried units %d; alerts %s%n%s", mode, jumps,
          status.carriedUnits(), alerts.stream().map(HourmeterException::kind).distinct().toList(),
          reconciliation.table());
      assertThat(reconciliation.violations()).isEmpty();
      // Hours never reported twice: one quantity per hour and one request per ClientToken (checked above).
      // The window rule is asserted by the deterministic test below: here a jump can land while a send
      // is under way, after the drainer checked the Timestamp against its clock and before the endpoint
      // reads the same clock, and no drainer can prevent that; such answers are counted and printed.
      System.out.println("clock trouble (" + mode + "): requests rejected by the endpoint (TimestampOutOfBounds, "
          + "DuplicateRequest): " + endpoint.rejected());
    }
  }

  /**
   * The deterministic case behind the random one: an AgentCore submission is cut (its Timestamp fixed at
   * the cut) and left unsent at a restart; the wall clock then goes back 20 minutes; the next process
   * must hold the submission until the clock has passed its Timestamp again, not send a Timestamp in
   * the future (AWS answers TimestampOutOfBounds, and the usage is carried into another submission).
   */
  @Test
  void aSubmissionCutBeforeTheClockWentBackIsNotSentUntilItsTimestampHasPassed() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:30:00Z"));
    Instant cutAt = clock.instant().plus(Duration.ofMinutes(11));
    try (EndpointFixture endpoint = new EndpointFixture(clock, DIMENSIONS)) {
      try (Meter first = ScaledMeter.builder(tmp, MeteringMode.AGENTCORE, clock, ScaledMeter.submitter(endpoint.uri(), clock),
          DIMENSIONS).build()) {
        // Cut interval 10 min and jitter 1 min (ScaledMeter): 11 minutes on, the cut is frozen, and as
        // the clock then stands still its send waits for the jitter, which never comes.
        assertThat(first.dimension("users").record(5)).isTrue();
        Thread.sleep(500);
        clock.set(cutAt);
        // (Not JournalInspection here: opening the journal writes a cycle file at the system clock's hour.)
        Thread.sleep(2_000);
      }
      assertThat(endpoint.requests()).as("nothing sent before the restart").isEmpty();
      clock.set(cutAt.minus(Duration.ofMinutes(20)));
      try (Meter second = ScaledMeter.builder(tmp, MeteringMode.AGENTCORE, clock, ScaledMeter.submitter(endpoint.uri(), clock),
          DIMENSIONS).build()) {
        Thread.sleep(1_000);
        clock.set(cutAt.minus(Duration.ofMinutes(18))); // past any first-send jitter, still before the Timestamp
        Thread.sleep(2_000);
        assertThat(endpoint.requests()).as("requests sent while the clock is before the cut's Timestamp")
            .allMatch(r -> !r.timestamp().isAfter(clock.instant()));
        clock.set(cutAt.plus(Duration.ofMinutes(2)));
        MeterStatus status = ExternalDuplicateTest.awaitDrained(second, clock, clock.millis());
        assertThat(endpoint.rejected()).as("requests rejected (a Timestamp in the future)").isZero();
        assertThat(endpoint.accepted()).extracting(AcceptedRecord::quantity).containsExactly(5L);
        assertThat(status.carriedUnits()).isZero();
      }
    }
    try (JournalInspection inspection = JournalInspection.open(tmp)) {
      assertThat(inspection.reports()).as("the one submission, cut before the restart")
          .extracting(v -> v.report().timestamp()).containsExactly(cutAt);
    }
  }

  /** A jump of 1 to 50 minutes or 1 to 3 hours, either way, keeping within 4 hours of true time. */
  private static String jump(JumpingClock clock, SplittableRandom random) {
    Duration by = random.nextBoolean() ? Duration.ofMinutes(1 + random.nextInt(50))
        : Duration.ofHours(1 + random.nextInt(3));
    boolean back = random.nextBoolean();
    long offsetHours = clock.offset().toHours();
    if (offsetHours >= 3) {
      back = true;
    } else if (offsetHours <= -3) {
      back = false;
    }
    Duration offset = clock.jump(back ? by.negated() : by);
    return (back ? "-" : "+") + by.toString().substring(2) + "=" + offset.toString().substring(2);
  }

  private static void record(Meter meter, long untilNanos, Tally tally, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Dimension[] handles = {meter.dimension(DIMENSIONS[0]), meter.dimension(DIMENSIONS[1])};
    while (System.nanoTime() < untilNanos) {
      Dimension dimension = handles[random.nextInt(handles.length)];
      long quantity = 1 + random.nextInt(9);
      tally.add(dimension.name(), quantity, dimension.record(quantity));
      LockSupport.parkNanos(500_000);
    }
  }
}
