package io.hourmeter.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Dimension;
import io.hourmeter.HourmeterException;
import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeteringMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Scenario 3, duplicates from outside: before the drainer sends an hour, the endpoint already holds
 * another quantity for that dimension-hour, as if another process on the instance had metered it. The
 * hour must end dead-lettered with reason DuplicateRequest and an alert, visible in status and in the
 * ledger; every request for it must carry our one quantity; the other dimensions and hours go on.
 *
 * <p>Hourly mode only: in AgentCore mode the ClientToken, not the hour, is the key, and no outside
 * process can hold our tokens (they derive from the journal's random id).
 */
@Execution(ExecutionMode.CONCURRENT)
class ExternalDuplicateTest {
  static final String[] DIMENSIONS = {"users", "requests"};

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  @Test
  void anHourMeteredElsewhereIsDeadLetteredAsDuplicateAndNeverResentWithAnotherQuantity() throws Exception {
    int hours = Soak.pick(3, 24);
    SharedClock time = SharedClock.startingNow(Duration.ofSeconds(4));
    InstantSource clock = time.clock();
    List<HourmeterException> alerts = new CopyOnWriteArrayList<>();
    Tally tally = new Tally();
    Set<String> taken = new TreeSet<>();
    try (EndpointFixture endpoint = new EndpointFixture(clock, DIMENSIONS);
         Meter meter = ScaledMeter.build(tmp, MeteringMode.HOURLY, clock, ScaledMeter.submitter(endpoint.uri(), clock),
             0, null, alerts::add, null, DIMENSIONS)) {
      // Hour 0 began before the meter started, so it is carried into hour 1 (a Timestamp before the
      // software started is out of bounds); the duplicates begin with hour 1.
      for (int h = 0; h <= hours; h++) {
        waitUntil(clock, time.hour(h).plus(Duration.ofMinutes(5)).toEpochMilli());
        for (String d : DIMENSIONS) {
          Dimension dimension = meter.dimension(d);
          for (int i = 1; i <= 5; i++) {
            long quantity = i + h;
            tally.add(d, quantity, dimension.record(quantity));
          }
        }
        if (h > 0) {
          String dimension = DIMENSIONS[h % DIMENSIONS.length];
          endpoint.preRecord(dimension, time.hour(h).plus(Duration.ofMinutes(17)), 1_000 + h);
          taken.add(dimension + "@" + (time.startEpochHour() + h));
        }
      }
      MeterStatus status = awaitDrained(meter, clock, time.hour(hours + 1).plus(Duration.ofMinutes(10)).toEpochMilli());
      List<DeadLetter> deadLetters = Inspection.deadLetters(tmp);

      Reconciliation reconciliation = Reconciliation.builder("duplicates from outside, " + hours + " hours",
          MeteringMode.HOURLY)
          .truth(tally.truth())
          .observed(endpoint, tmp)
          .status(status)
          .allowDeadLetters("DuplicateRequest")
          .build();
      System.out.println(reconciliation.table());
      assertThat(reconciliation.violations()).isEmpty();
      assertThat(deadLetters).as("dead letters, one per hour metered elsewhere")
          .extracting(d -> d.dimension() + "@" + d.epochHour()).containsExactlyInAnyOrderElementsOf(taken);
      assertThat(status.deadLetteredReports()).as("status.deadLetteredReports").isEqualTo(hours);
      assertThat(status.deadLetteredUnits()).as("status.deadLetteredUnits")
          .isEqualTo(deadLetters.stream().mapToLong(DeadLetter::quantity).sum());
      assertThat(alerts).as("DUPLICATE_HOUR alerts").filteredOn(e -> e.kind() == HourmeterException.Kind.DUPLICATE_HOUR)
          .hasSize(hours);
      assertThat(endpoint.accepted()).as("the other process's quantities stand, and ours were not billed for those hours")
          .filteredOn(r -> taken.contains(r.dimension() + "@" + r.epochHour()))
          .allMatch(AcceptedRecord::foreign).hasSize(hours);
    }
  }

  /**
   * Waits until the meter's drainer has rebuilt its state (before that, status shows nothing pending)
   * and nothing is pending or unsent, with the clock at {@code notBefore} or later.
   */
  static MeterStatus awaitDrained(Meter meter, InstantSource clock, long notBefore) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    MeterStatus status = meter.status();
    while (System.nanoTime() < deadline) {
      status = meter.status();
      if (clock.millis() >= notBefore && status.drainer() && status.oldestUnsentHour() == null
          && StatusLine.pendingByDimension(status).values().stream().allMatch(q -> q == 0)) {
        return status;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the meter did not drain within 90 s: " + status);
  }

  static void waitUntil(InstantSource clock, long simulatedMillis) throws InterruptedException {
    while (clock.millis() < simulatedMillis) {
      Thread.sleep(10);
    }
  }
}
