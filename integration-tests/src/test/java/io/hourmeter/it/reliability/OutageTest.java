package io.hourmeter.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.MeteringMode;
import io.hourmeter.local.Faults;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Scenario 2, the outage: while a child JVM records, the endpoint first fails half of all requests
 * (throttling, 500s, connections dropped before and after recording), then throttles every request for
 * longer than the six-hour window allows, then recovers. The breaker must open and close again, usage
 * that missed the window must be carried into a later hour, {@code record()} must never wait on any of
 * it, and in the end every unit must reconcile.
 */
@Execution(ExecutionMode.CONCURRENT)
class OutageTest {
  static final String[] DIMENSIONS = {"users", "requests"};
  /**
   * A sanity bound, not a performance target: a quarter of the shortest network timeout (the 2 s
   * connect timeout), so a record() that waited on the network even once would break it. A thread's first call
   * (which creates its Chronicle appender and loads classes) is bounded by the timeout itself. Calls over
   * 100 ms are counted and printed; on a loaded 2-core machine a scheduling stall or a GC pause of that
   * size happens, and it happens alike in and out of the outage.
   */
  static final long MAX_RECORD_MICROS = 500_000;
  static final long MAX_FIRST_RECORD_MICROS = 1_000_000;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  @Test
  void outageOpensTheBreakerCarriesLateUsageAndNeverBlocksRecord() throws Exception {
    int cycles = Soak.pick(1, 3);
    int hoursPerCycle = 12;
    SharedClock time = SharedClock.startingNow(Soak.realHour());
    InstantSource clock = time.clock();
    Path logs = tmp.resolve("logs");
    try (EndpointFixture endpoint = new EndpointFixture(clock, DIMENSIONS)) {
      Map<String, String> args = new LinkedHashMap<>();
      args.put("dir", tmp.resolve("journal").toString());
      args.put("mode", MeteringMode.HOURLY.name());
      args.put("dims", String.join(",", DIMENSIONS));
      args.put("endpoint", endpoint.uri().toString());
      time.putArgs(args);
      args.put("threads", "4");
      args.put("pauseMicros", "2000");
      args.put("recordUntil", Long.toString(Long.MAX_VALUE));
      args.put("stopFile", tmp.resolve("stop").toString());
      args.put("drain", "true");
      Faults faults = endpoint.endpoint().faults().seed(7);
      long totalOutageEnd = 0;
      try (Child child = Child.start(args, logs, 0)) {
        assertThat(child.awaitReady(Duration.ofSeconds(60))).as("child ready; output:\n" + child.output()).isTrue();
        // Phases count from the first whole hour after the child is ready (start-up may take a simulated
        // hour or two on a busy machine), so the outage always meets recorded usage.
        long first = Math.floorDiv(clock.millis() - time.simulatedStart().toEpochMilli(), 3_600_000L) + 1;
        for (int c = 0; c < cycles; c++) {
          long base = first + c * hoursPerCycle;
          waitUntil(clock, time.hour(base + 2).toEpochMilli());
          faults.throttleRate(0.2).serverErrorRate(0.15).dropBeforeRecordRate(0.1).dropAfterRecordRate(0.05)
              .dropNextAfterRecord(1).dropNextBeforeRecord(1); // at least one of each, whatever the draw
          waitUntil(clock, time.hour(base + 4).toEpochMilli());
          // Every request fails with throttling, the one answer that proves AWS recorded nothing, so
          // that what misses the window is carried. A 500 or a dropped connection in the 50 % phase
          // proves nothing and leaves a report whose outcome is unknown, which is never carried (see
          // below). (Rates only: a scripted drop not yet used stays scripted.)
          faults.dropBeforeRecordRate(0).dropAfterRecordRate(0).serverErrorRate(0).throttleRate(1.0);
          waitUntil(clock, time.hour(base + 11).toEpochMilli());
          faults.clear();
          totalOutageEnd = clock.millis();
        }
        waitUntil(clock, time.hour(first + cycles * hoursPerCycle).toEpochMilli());
        java.nio.file.Files.createFile(tmp.resolve("stop"));
        int exit = child.awaitExit(time.real(Duration.ofHours(12)).plusSeconds(60));
        assertThat(exit).as("exit code; output:\n" + child.output()).isZero();

        List<Map<String, String>> statuses = child.statuses();
        Map<String, String> last = statuses.get(statuses.size() - 1);
        long outageEnd = totalOutageEnd;
        GroundTruth truth = GroundTruth.read(logs);
        Reconciliation reconciliation = Reconciliation.builder("outage: 50% faults for 2 h, then all requests "
            + "failing for 7 h, " + cycles + " time(s)", MeteringMode.HOURLY)
            .truth(truth)
            .observed(endpoint, tmp.resolve("journal"))
            .pending(StatusLine.decodeMap(last.get("pendingByDimension")))
            .refusedCounted(Long.parseLong(last.get("refusedUnits")))
            // A report answered 500, or whose connection dropped, may have been recorded by AWS: carrying
            // it could bill it twice, so the drainer dead-letters it for an operator instead.
            .allowDeadLetters("outcome unknown")
            .build();
        long maxRecordMicros = statuses.stream().mapToLong(s -> Long.parseLong(s.get("maxRecordMicros"))).max().orElse(-1);
        List<String> slowCalls = child.slowCalls();
        long maxSteadyMicros = slowCalls.stream().filter(c -> !c.endsWith("first-call"))
            .mapToLong(c -> Long.parseLong(c.split(" ")[1].replace("us", ""))).max().orElse(0);
        long over100ms = slowCalls.stream().filter(c -> Long.parseLong(c.split(" ")[1].replace("us", "")) > 100_000).count();
        System.out.printf("%noutage: endpoint %s; breaker states seen %s; carried units %s; max record() %d us%n%s",
            endpoint.endpoint().counters(), statuses.stream().map(s -> s.get("circuit")).distinct().toList(),
            last.get("carriedUnits"), maxRecordMicros, reconciliation.table());
        System.out.printf("record() calls over 20 ms: %d, over 100 ms: %d, longest after a thread's first call %d us: %s%n",
            slowCalls.size(), over100ms, maxSteadyMicros, slowCalls);

        assertThat(reconciliation.violations()).isEmpty();
        assertThat(statuses).as("the breaker opened during the outage")
            .anyMatch(s -> "OPEN".equals(s.get("circuit")));
        assertThat(statuses).as("the breaker closed and a send succeeded after the outage")
            .anyMatch(s -> "CLOSED".equals(s.get("circuit")) && Long.parseLong(s.get("lastSuccess")) > outageEnd);
        assertThat(Long.parseLong(last.get("carriedUnits"))).as("units carried past the window").isPositive();
        assertThat(maxRecordMicros).as("the longest record() call, in microseconds").isBetween(0L, MAX_FIRST_RECORD_MICROS);
        assertThat(maxSteadyMicros).as("the longest record() call after a thread's first, in microseconds")
            .isBetween(0L, MAX_RECORD_MICROS);
        assertThat(endpoint.endpoint().counters().dropped()).as("connections dropped").isPositive();
      }
    }
  }

  private static void waitUntil(InstantSource clock, long simulatedMillis) throws InterruptedException {
    while (clock.millis() < simulatedMillis) {
      Thread.sleep(20);
    }
  }
}
