package io.hourmeter.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.MeteringMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Scenario 1, the crash storm: a child JVM records from several threads on an accelerated clock across
 * at least twelve simulated hours, and is SIGKILLed at random moments (during start-up and recovery
 * too) and restarted on the same journal directory, in both modes at once. A last incarnation drains
 * and exits; then every unit the children's logs say was recorded must be accepted by the endpoint
 * exactly once (or dead-lettered with a reason), and no hour or ClientToken may carry two requests.
 * The storm loop is {@link CrashStorm}'s.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(CrashStorm.LOCK)
class CrashStormTest {
  static final String[] DIMENSIONS = {"users", "requests", "gigabytes"};

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  @Test
  void crashStormLosesAndDoublesNothingInBothModes() throws Exception {
    int hours = Soak.pick(12, 36);
    int killsPerMode = Soak.pick(16, 60);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<StormResult> hourly = pool.submit(() -> storm(MeteringMode.HOURLY, hours, killsPerMode, 11));
      Future<StormResult> agentCore = pool.submit(() -> storm(MeteringMode.AGENTCORE, hours, killsPerMode, 23));
      List<StormResult> results = List.of(hourly.get(), agentCore.get());
      for (StormResult r : results) {
        System.out.println(r.summary() + r.reconciliation().table());
      }
      for (StormResult r : results) {
        assertThat(r.reconciliation().violations()).as(r.mode() + " reconciliation").isEmpty();
        // One rejection is expected per report dead-lettered as outcome-unknown on a TimestampOutOfBounds:
        // a resend started inside the window (window end - clockSkewMargin) that reached the endpoint
        // after it. At 600x, the clock-skew margin of 5 simulated minutes is half a real second, less
        // than a busy machine's request latency. It proves nothing was recorded by that request, and the
        // report stays dead-lettered for an operator, not carried; the reconciliation above counts it.
        assertThat(r.rejected() - r.lateResends()).as(r.mode() + ": requests the endpoint rejected (dedup, "
            + "window, token), other than " + r.lateResends() + " late resends of outcome-unknown reports").isZero();
        assertThat(r.truth().totalRecorded()).as(r.mode() + ": units recorded").isPositive();
        // Coverage is printed above; on a starved machine children spend most of the storm starting up,
        // so only the crossing of hour rolls is asserted.
        assertThat(r.hoursBilled()).as(r.mode() + ": simulated hours with accepted usage").isGreaterThanOrEqualTo(2);
      }
      assertThat(results.stream().mapToInt(StormResult::kills).sum()).as("SIGKILLs in total").isGreaterThanOrEqualTo(30);
    } finally {
      pool.shutdownNow();
    }
  }

  private StormResult storm(MeteringMode mode, int hours, int kills, long seed) throws Exception {
    // A longer simulated hour than the other scenarios: every restart costs seconds of start-up.
    SharedClock time = SharedClock.startingNow(Soak.realHour().multipliedBy(6).dividedBy(5));
    Path root = tmp.resolve(mode.name().toLowerCase());
    Path logs = root.resolve("logs");
    SplittableRandom random = new SplittableRandom(seed);
    try (EndpointFixture endpoint = new EndpointFixture(time.clock(), DIMENSIONS)) {
      Map<String, String> args = new LinkedHashMap<>();
      args.put("dir", root.resolve("journal").toString());
      args.put("mode", mode.name());
      args.put("dims", String.join(",", DIMENSIONS));
      args.put("endpoint", endpoint.uri().toString());
      time.putArgs(args);
      args.put("threads", "4");
      args.put("pauseMicros", "2000");
      args.put("recordUntil", Long.toString(time.hour(hours).toEpochMilli()));

      CrashStorm.Result storm = CrashStorm.run(mode.name(), time, args, logs, endpoint, hours, kills,
          Duration.ofHours(8), random);
      Map<String, String> last = storm.lastStatus();
      GroundTruth truth = GroundTruth.read(logs);
      Reconciliation reconciliation = Reconciliation.builder("crash storm, " + storm.kills() + " SIGKILLs over "
          + hours + " simulated hours", mode)
          .truth(truth)
          .observed(endpoint, root.resolve("journal"))
          .pending(StatusLine.decodeMap(last.get("pendingByDimension")))
          // A kill between a send and its outcome's commit leaves a report whose outcome is unknown; if
          // it cannot be resent before its window closes, it is dead-lettered for an operator, never
          // carried (that could bill it twice). The check looks such letters up at the endpoint.
          .allowDeadLetters("outcome unknown")
          .build();
      long hoursBilled = endpoint.accepted().stream().map(AcceptedRecord::epochHour).distinct().count();
      long hoursSpanned = 1 + endpoint.accepted().stream().mapToLong(AcceptedRecord::epochHour).max().orElse(0)
          - endpoint.accepted().stream().mapToLong(AcceptedRecord::epochHour).min().orElse(0);
      String summary = String.format("%n%s crash storm: %d incarnations, %d SIGKILLs (%d during start-up), "
          + "mean start-up %d ms, %d record() calls logged, %d records accepted before the final drain, %d after; "
          + "carried units %s; simulated hours billed %d of %d spanned; drainer steps that failed: %d%n",
          mode, storm.incarnations(), storm.kills(), storm.startupKills(), storm.meanStartupMillis(), truth.calls(),
          storm.acceptedBeforeDrain(), endpoint.accepted().size(), last.get("carriedUnits"), hoursBilled,
          hoursSpanned, Child.countInOutputs(logs, "drainer step failed"));
      long lateResends = Inspection.deadLetters(root.resolve("journal")).stream()
          .filter(d -> d.outcomeUnknown() && d.reason().contains("TimestampOutOfBounds")).count();
      return new StormResult(mode, storm.kills(), truth, reconciliation, endpoint.rejected(), lateResends,
          hoursBilled, hoursSpanned, summary + "late resends of outcome-unknown reports rejected as out of bounds: "
          + lateResends + "\n");
    }
  }

  record StormResult(MeteringMode mode, int kills, GroundTruth truth, Reconciliation reconciliation, long rejected,
      long lateResends, long hoursBilled, long hoursSpanned, String summary) { }
}
