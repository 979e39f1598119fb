package io.hourmeter.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Dimension;
import io.hourmeter.HourmeterException;
import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeteringMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Scenario 5, concurrency at the hour boundary: many threads record without pause across many hour
 * rolls of a fast clock, while the drainer freezes each hour as soon as its grace has passed. Every
 * unit must land in exactly one hour's report: the totals reconcile, no hour is billed twice, no hour
 * is billed more than was recorded up to its end, and (unless something had to be carried) every hour
 * holds at least the units whose calls began and ended inside it.
 *
 * <p>This is a stress test with many iterations (one per hour roll) over the real Chronicle journal and
 * the real drainer, not jcstress or Lincheck: both check small in-memory objects with a fixed set of
 * actors, while the interleaving here spans a memory-mapped file roll, a background drainer thread and a
 * ledger commit; neither tool is pinned in the build either.
 */
@Execution(ExecutionMode.CONCURRENT)
class HourBoundaryStressTest {
  static final String[] DIMENSIONS = {"users", "requests", "gigabytes"};

  static final long HOUR_MILLIS = 3_600_000L;
  /** How long before and after each roll the threads record. */
  static final Duration BURST = Duration.ofMinutes(6);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  @Test
  void everyUnitLandsInExactlyOneHoursReportAcrossManyHourRolls() throws Exception {
    int rolls = Soak.pick(12, 200);
    int threads = 8;
    SharedClock time = SharedClock.startingNow(Duration.ofMillis(1_500));
    InstantSource clock = time.clock();
    List<HourmeterException> alerts = new CopyOnWriteArrayList<>();
    Tally tally = new Tally();
    try (EndpointFixture endpoint = new EndpointFixture(clock, DIMENSIONS);
         Meter meter = ScaledMeter.build(tmp, MeteringMode.HOURLY, clock, ScaledMeter.submitter(endpoint.uri(), clock),
             0, null, alerts::add, null, DIMENSIONS)) {
      // Hours count from the first whole hour after the meter is built (building may take a simulated hour
      // or two on a busy machine).
      long firstRoll = Math.floorDiv(clock.millis(), HOUR_MILLIS) + 1;
      long recordUntil = (firstRoll + rolls) * HOUR_MILLIS + BURST.toMillis();
      List<Thread> recorders = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = t;
        Thread recorder = new Thread(() -> record(meter, time, clock, recordUntil, tally, seed), "boundary-" + t);
        recorder.start();
        recorders.add(recorder);
      }
      for (Thread recorder : recorders) {
        recorder.join();
      }
      MeterStatus status = ExternalDuplicateTest.awaitDrained(meter, clock, recordUntil + 2 * HOUR_MILLIS);

      Reconciliation reconciliation = Reconciliation.builder("hour boundary, " + threads + " threads across "
          + rolls + " hour rolls", MeteringMode.HOURLY)
          .truth(tally.truth())
          .observed(endpoint, tmp)
          .status(status)
          .build();
      Map<String, Long> acceptedByHour = new TreeMap<>();
      endpoint.accepted().forEach(r -> acceptedByHour.merge(r.dimension() + "@" + r.epochHour(), r.quantity(), Long::sum));
      List<String> hourProblems = hourProblems(acceptedByHour, tally, status.carriedUnits() == 0);
      long straddling = tally.straddlingByHour().values().stream().mapToLong(Long::longValue).sum() / 2;
      System.out.println("hour boundary: billed per dimension@hour " + acceptedByHour + "; certainly recorded "
          + tally.certainByHour());
      System.out.printf("%nhour boundary: %d units recorded, about %d in calls that straddled a roll, %d carried, "
          + "%d hours billed%n%s", tally.truth().totalRecorded(), straddling, status.carriedUnits(),
          acceptedByHour.size(), reconciliation.table());

      assertThat(reconciliation.violations()).isEmpty();
      assertThat(hourProblems).isEmpty();
      assertThat(endpoint.rejected()).as("requests rejected (DuplicateRequest, window)").isZero();
      assertThat(tally.certainByHour().keySet().stream().map(k -> k.substring(k.indexOf('@'))).distinct().count())
          .as("hours recorded in (a starved machine may miss a burst)").isGreaterThanOrEqualTo(rolls / 2);
      assertThat(straddling).as("units in calls that straddled a roll").isPositive();
    }
  }

  /**
   * Per dimension and hour H: what was billed up to H never exceeds what was recorded up to H's end
   * (nothing is billed early, no unit twice); and without carry, hour H holds every unit whose call
   * began and ended in H.
   */
  static List<String> hourProblems(Map<String, Long> acceptedByHour, Tally tally, boolean noCarry) {
    List<String> problems = new ArrayList<>();
    Map<String, Long> certain = tally.certainByHour();
    Map<String, Long> straddling = tally.straddlingByHour();
    TreeMap<Long, List<String>> keysByHour = new TreeMap<>();
    java.util.Set<String> keys = new java.util.TreeSet<>(certain.keySet());
    keys.addAll(acceptedByHour.keySet());
    keys.addAll(straddling.keySet());
    for (String key : keys) {
      keysByHour.computeIfAbsent(Long.parseLong(key.substring(key.indexOf('@') + 1)), h -> new ArrayList<>()).add(key);
    }
    Map<String, Long> billedSoFar = new TreeMap<>();
    Map<String, Long> recordedSoFar = new TreeMap<>();
    for (Map.Entry<Long, List<String>> hour : keysByHour.entrySet()) {
      for (String key : hour.getValue()) {
        String dimension = key.substring(0, key.indexOf('@'));
        long billed = billedSoFar.merge(dimension, acceptedByHour.getOrDefault(key, 0L), Long::sum);
        long upTo = recordedSoFar.merge(dimension, certain.getOrDefault(key, 0L) + straddling.getOrDefault(key, 0L),
            Long::sum);
        if (billed > upTo) {
          problems.add(key + ": billed " + billed + " units up to this hour but at most " + upTo + " were recorded");
        }
        if (noCarry && acceptedByHour.getOrDefault(key, 0L) < certain.getOrDefault(key, 0L)) {
          problems.add(key + ": billed " + acceptedByHour.getOrDefault(key, 0L) + " but " + certain.get(key)
              + " units were certainly recorded in it");
        }
      }
    }
    return problems;
  }

  /**
   * Records in bursts around each hour roll (from {@link #BURST} before it to {@code BURST} after it),
   * as fast as the machine allows, and sleeps in between: the stress is where the hour turns, and the
   * rest of the hour leaves the CPU to the drainer and to the other scenarios.
   */
  private static void record(Meter meter, SharedClock time, InstantSource clock, long until, Tally tally, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Dimension[] handles = new Dimension[DIMENSIONS.length];
    for (int i = 0; i < handles.length; i++) {
      handles[i] = meter.dimension(DIMENSIONS[i]);
    }
    long burst = BURST.toMillis();
    while (true) {
      long before = clock.millis();
      if (before >= until) {
        return;
      }
      long intoHour = Math.floorMod(before, HOUR_MILLIS);
      if (intoHour > burst && intoHour < HOUR_MILLIS - burst) {
        LockSupport.parkNanos(time.real(Duration.ofMillis(HOUR_MILLIS - burst - intoHour)).toNanos());
        continue;
      }
      Dimension dimension = handles[random.nextInt(handles.length)];
      long quantity = 1 + random.nextInt(9);
      boolean journaled = dimension.record(quantity);
      long after = clock.millis();
      tally.addTimed(dimension.name(), quantity, journaled, Math.floorDiv(before, HOUR_MILLIS),
          Math.floorDiv(after, HOUR_MILLIS));
    }
  }
}
