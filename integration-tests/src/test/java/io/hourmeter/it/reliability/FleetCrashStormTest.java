package io.hourmeter.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Buyer;
import io.hourmeter.MeteringMode;
import io.hourmeter.kafka.FleetTopicsReader;
import io.hourmeter.kafka.testkit.KafkaBroker;
import io.hourmeter.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Scenario 8, SaaS on a fleet: three host JVMs ({@link RecorderMain} with the partial submitter, each on
 * its own Chronicle journal) record for 200 buyers on three dimensions on the accelerated clock and ship
 * their frozen partials to a real Kafka broker ({@link KafkaBroker}, a child JVM); the aggregator and the
 * sender run in a JVM of their own ({@link FleetAggregatorMain}) and report to the local endpoint, which
 * throttles, answers 500s and drops replies after recording the batch
 * ({@link SaasCrashStormTest.FaultSchedule}). Hosts, the aggregator and the broker are SIGKILLed at
 * random points ({@link FleetStorm}) and started again on the same directories.
 *
 * <p>At the end, per buyer and dimension ({@link Reconciliation}): what the hosts' {@code record()}
 * calls acknowledged equals what the endpoint accepted plus what was dead-lettered with a reason (the
 * hosts' ledgers and the sender's), within the calls a kill cut; no buyer-dimension-hour went out with
 * two quantities or was billed twice; and since a partial counted twice would bill its units twice, the
 * balance also shows that no partial was counted twice (the copies that did reach the partials topic,
 * and those the aggregator dropped, are printed).
 *
 * <p>The default build runs the smoke: 6 simulated hours with one kill of each kind; the soak
 * ({@code -Dhourmeter.soak=true}) 24 hours with a kill of a random kind every simulated hour or so.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(CrashStorm.LOCK)
class FleetCrashStormTest {
  static final String[] DIMENSIONS = SaasCrashStormTest.DIMENSIONS;
  static final int BUYERS = 200;
  static final int HOSTS = FleetStorm.HOSTS;
  /**
   * A simulated hour in real time: 6 s, more than the other scenarios' 5 s, because six JVMs (broker,
   * aggregator, three hosts, the test) share the 2 cores, and a host's restart takes 3 to 8 s there.
   */
  static final Duration REAL_HOUR = Duration.ofMillis(Long.getLong("hourmeter.fleet.realHourMillis", 6_000));
  /**
   * Real time for the children to start before hour 0 (measured: 15 to 21 s for all four at once, the
   * aggregator's Streams rebalance last, at a load average of 17 on 2 cores).
   */
  static final Duration PRE_ROLL = Duration.ofSeconds(25);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  @Test
  void fleetBillsEachBuyerHourOnceThroughKillsOfHostsAggregatorAndBroker() throws Exception {
    int hours = Soak.pick(6, 24);
    List<Buyer> buyers = SaasCrashStormTest.buyers().subList(0, BUYERS);
    List<Buyer> ranked = new ArrayList<>(buyers);
    Collections.shuffle(ranked, new Random(8));
    Path buyersFile = tmp.resolve("buyers.txt");
    Files.write(buyersFile, ranked.stream().map(Buyer::key).toList());

    try (KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka"))) {
      // Hour 0 starts once the hosts and the aggregator are surely up (they start in the pre-roll, and
      // record from then on), so that the kills fall into the hours planned for them.
      SharedClock time = SharedClock.startingIn(PRE_ROLL, REAL_HOUR);
      try (EndpointFixture endpoint = new EndpointFixture(time.clock(), buyers, DIMENSIONS)) {
        SaasCrashStormTest.FaultSchedule faults = new SaasCrashStormTest.FaultSchedule(endpoint, time);
        faults.start();
        // The topics exist before any child starts, as an operator would create them: the hosts ship from
        // their first closed hour, and the aggregator's start does not wait on topic creation.
        FleetHarness.fleet(broker.bootstrapServers()).ensureTopics();
        Map<String, String> common = new LinkedHashMap<>();
        common.put("kafka", broker.bootstrapServers());
        common.put("endpoint", endpoint.uri().toString());
        time.putArgs(common);
        FleetStorm storm = new FleetStorm(tmp, broker, time, hostArgs(common, buyersFile, time, hours),
            aggregatorArgs(common));
        FleetStorm.Result result;
        try {
          result = storm.run(hours, plan(hours, time), new SplittableRandom(12));
        } finally {
          faults.interrupt();
          faults.join();
        }

        GroundTruth truth = GroundTruth.read(storm.hostLogs());
        List<DeadLetter> letters = new ArrayList<>(Inspection.deadLetters(storm.senderLedger()));
        for (Path journal : storm.hostJournals()) {
          letters.addAll(Inspection.deadLetters(journal));
        }
        Map<String, Long> pending = new TreeMap<>();
        result.hostFinalStatuses().forEach(s -> StatusLine.decodeMap(s.get("pendingByDimension"))
            .forEach((d, q) -> pending.merge(d, q, Long::sum)));
        Reconciliation reconciliation = Reconciliation.builder("SaaS fleet of " + HOSTS + " hosts on Kafka, "
            + BUYERS + " buyers, " + result.kills() + " over " + hours + " simulated hours", MeteringMode.SAAS)
            .truth(truth)
            .accepted(endpoint.accepted())
            .requests(endpoint.requests())
            .deadLetters(letters)
            .pending(pending)
            .allowDeadLetters("outcome unknown")
            .build();
        Map<String, String> last = result.aggregatorStatus();
        List<WireRequest> wire = endpoint.requests();
        long resent = wire.size() - wire.stream().map(r -> r.key() + "@" + r.timestamp()).distinct().count();
        FleetTopicsReader.Partials partials = FleetTopicsReader.partials(broker.bootstrapServers(),
            FleetHarness.fleet(broker.bootstrapServers()));
        System.out.printf("%nFLEET storm (real time %d ms, start-up %d ms): %s; %d record() calls logged; endpoint %s; faults %s; "
            + "%d UsageRecords sent, %d of them resends; partials on the topic %d, distinct %d (copies %d); "
            + "aggregator: duplicates dropped %s, late partials carried %s, finals emitted %s; sender: accepted %s "
            + "units, carried %s, dead-lettered %s; dead letters %d%n%s",
            result.realMillis(), result.startupMillis(), result.kills(), truth.calls(), endpoint.endpoint().counters(), faults.scripted(),
            wire.size(), resent, partials.records(), partials.distinct(), partials.records() - partials.distinct(),
            last.get("duplicatesDropped"), last.get("lateCarried"), last.get("finalsEmitted"),
            last.get("acceptedUnits"), last.get("carriedUnits"), last.get("deadLetteredUnits"), letters.size(),
            reconciliation.table());

        assertThat(reconciliation.violations()).as("fleet reconciliation per buyer and dimension").isEmpty();
        assertThat(endpoint.requestLogComplete()).as("the endpoint's request log holds every request").isTrue();
        assertThat(endpoint.endpoint().counters().rejected()).as("calls the endpoint rejected whole").isZero();
        assertThat(Child.countInLogs(storm.aggregatorLogs(), "agg-errors-", "DUPLICATE_HOUR"))
            .as("DuplicateRecord answers the sender saw").isZero();
        assertThat(letters).as("dead letters as DuplicateRecord").noneMatch(d -> d.reason().contains("Duplicate"));
        assertThat(Long.parseLong(last.get("duplicatesDropped"))).as("copies of partials the aggregator dropped, "
            + "against the copies a host resent that reached the partials topic")
            .isGreaterThanOrEqualTo(partials.records() - partials.distinct());
        assertThat(result.kills().values()).as("SIGKILLs of hosts, the aggregator and the broker")
            .allMatch(n -> n >= 1);
        assertThat(truth.recorded().keySet().stream().map(Keys::buyer).distinct().count())
            .as("buyers that recorded").isGreaterThan(BUYERS / 2);
      }
    }
  }

  /**
   * The kills: in the smoke one of each kind, a host in the second simulated hour, the aggregator in the
   * third, the broker in the fifth; in the soak one every simulated hour or so, of a kind drawn at random.
   */
  static List<FleetStorm.Kill> plan(int hours, SharedClock time) {
    SplittableRandom random = new SplittableRandom(hours);
    List<FleetStorm.Kill> kills = new ArrayList<>();
    if (!Soak.ON) {
      kills.add(new FleetStorm.Kill(at(time, 1 + random.nextDouble()), FleetStorm.Target.HOST));
      kills.add(new FleetStorm.Kill(at(time, 2.2 + random.nextDouble()), FleetStorm.Target.AGGREGATOR));
      kills.add(new FleetStorm.Kill(at(time, 3.8 + random.nextDouble()), FleetStorm.Target.BROKER));
      return kills;
    }
    FleetStorm.Target[] targets = FleetStorm.Target.values();
    for (double h = 0.7; h < hours - 0.5; h += 0.5 + random.nextDouble()) {
      kills.add(new FleetStorm.Kill(at(time, h), targets[random.nextInt(targets.length)]));
    }
    return kills;
  }

  private static long at(SharedClock time, double hours) {
    return time.hour(0).toEpochMilli() + (long) (hours * Duration.ofHours(1).toMillis());
  }

  private static Map<String, String> hostArgs(Map<String, String> common, Path buyersFile, SharedClock time,
      int hours) {
    Map<String, String> args = new LinkedHashMap<>(common);
    args.put("mode", MeteringMode.SAAS.name());
    args.put("dims", String.join(",", DIMENSIONS));
    // One thread a host, 2 ms between calls: 6 JVMs share 2 cores with the other scenarios.
    args.put("threads", "1");
    args.put("pauseMicros", "2000");
    args.put("recordUntil", Long.toString(time.hour(hours).toEpochMilli()));
    args.put("buyers", buyersFile.toString());
    args.put("zipf", "1.0");
    args.put("uniformShare", "0.5");
    // Record, then drain: exit 0 once every partial is committed to Kafka.
    args.put("drain", "true");
    return args;
  }

  private static Map<String, String> aggregatorArgs(Map<String, String> common) {
    Map<String, String> args = new LinkedHashMap<>(common);
    // The fleet grace, simulated: 30 min is 3 s of real time, what a host takes on a busy machine to
    // freeze and ship a closed hour (its hourGrace is 2 min); partials later than that are carried.
    args.put("graceMinutes", "30");
    return args;
  }

  /** The JVM options of the fleet's children: the Chronicle flags, C1 only (they live seconds). */
  static List<String> childOptions() {
    List<String> options = new ArrayList<>(ChildJvm.chronicleFlags());
    options.add("-XX:TieredStopAtLevel=1");
    return options;
  }
}
