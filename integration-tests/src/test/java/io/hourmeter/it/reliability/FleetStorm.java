package io.hourmeter.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.kafka.testkit.KafkaBroker;
import io.hourmeter.testing.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The fleet scenarios' processes and their storm: {@code hosts} {@link RecorderMain} children (one
 * journal directory each), the {@link FleetAggregatorMain} child, and the test's {@link KafkaBroker};
 * each planned {@link Kill} SIGKILLs one of them at its simulated instant and starts it again on the same
 * directories (the broker on the same ports and log directory). Hosts record until their
 * {@code recordUntil}, then drain and exit 0; the storm then waits until the aggregator and the sender
 * have settled everything (no hour open, nothing unread, no final unsettled, no carry waiting).
 *
 * <p>Layout under {@code root}: {@code host-<i>/journal}, {@code logs/host-<i>/} (the hosts' record
 * logs and status), {@code aggregator/state}, {@code aggregator/ledger}, {@code agg-logs/}. Not
 * thread-safe: one storm, on the calling thread.
 */
final class FleetStorm {
  /** What a kill hits. */
  enum Target { HOST, AGGREGATOR, BROKER }

  /** A SIGKILL of {@code target} at simulated epoch millis {@code at}. */
  record Kill(long at, Target target) { }

  /**
   * What a storm did.
   *
   * @param kills             SIGKILLs per target
   * @param hostFinalStatuses each host's last status line (after its drain and close)
   * @param aggregatorStatus  the aggregator's last status line, settled
   * @param realMillis        real time from the first start to settled
   * @param startupMillis     real time from the first start until the aggregator and every host were ready
   */
  record Result(Map<Target, Integer> kills, List<Map<String, String>> hostFinalStatuses,
      Map<String, String> aggregatorStatus, long realMillis, long startupMillis) { }

  static final int HOSTS = 3;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  /** How long the status must show everything settled, unchanged, before the storm calls it settled. */
  private static final Duration SETTLED_FOR = Duration.ofSeconds(3);

  private final Path root;
  private final KafkaBroker broker;
  private final SharedClock time;
  private final Map<String, String> hostArgs;
  private final Map<String, String> aggregatorArgs;
  private final Child[] hosts = new Child[HOSTS];
  private final int[] hostRuns = new int[HOSTS];
  private ChildJvm aggregator;
  private int aggregatorRuns;

  FleetStorm(Path root, KafkaBroker broker, SharedClock time, Map<String, String> hostArgs,
      Map<String, String> aggregatorArgs) {
    this.root = root;
    this.broker = broker;
    this.time = time;
    this.hostArgs = hostArgs;
    this.aggregatorArgs = new LinkedHashMap<>(aggregatorArgs);
    this.aggregatorArgs.put("state", root.resolve("aggregator/state").toString());
    this.aggregatorArgs.put("ledger", senderLedger().toString());
    this.aggregatorArgs.put("logs", aggregatorLogs().toString());
  }

  Path hostLogs() {
    return root.resolve("logs");
  }

  List<Path> hostJournals() {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < HOSTS; i++) {
      out.add(root.resolve("host-" + i).resolve("journal"));
    }
    return out;
  }

  Path senderLedger() {
    return root.resolve("aggregator/ledger");
  }

  Path aggregatorLogs() {
    return root.resolve("agg-logs");
  }

  Result run(int hours, List<Kill> plan, SplittableRandom random) throws Exception {
    long start = System.nanoTime();
    Map<Target, Integer> kills = new EnumMap<>(Target.class);
    try {
      // All four at once, then each awaited: on 2 cores a JVM start takes seconds.
      launchAggregator();
      for (int i = 0; i < HOSTS; i++) {
        launchHost(i);
      }
      awaitAggregatorReady();
      for (int i = 0; i < HOSTS; i++) {
        awaitHostReady(i);
      }
      long startup = (System.nanoTime() - start) / 1_000_000;
      for (Kill kill : plan) {
        sleepUntil(kill.at());
        assertAllAlive("before the kill of " + kill.target());
        switch (kill.target()) {
          case HOST -> {
            int i = random.nextInt(HOSTS);
            hosts[i].kill();
            startHost(i);
          }
          case AGGREGATOR -> {
            aggregator.kill();
            startAggregator();
          }
          case BROKER -> {
            broker.kill9();
            broker.restart();
          }
        }
        kills.merge(kill.target(), 1, Integer::sum);
      }
      List<Map<String, String>> finals = awaitHostsDrained(hours);
      Map<String, String> settled = awaitSettled();
      return new Result(kills, finals, settled, (System.nanoTime() - start) / 1_000_000, startup);
    } finally {
      for (Child host : hosts) {
        if (host != null) {
          host.close();
        }
      }
      if (aggregator != null) {
        aggregator.close();
      }
    }
  }

  private void startHost(int i) throws Exception {
    launchHost(i);
    awaitHostReady(i);
  }

  private void launchHost(int i) throws Exception {
    Map<String, String> args = new LinkedHashMap<>(hostArgs);
    args.put("dir", hostJournals().get(i).toString());
    Files.createDirectories(hostLogs().resolve("host-" + i));
    // Child.start sets logs and run; the logs of each host go to their own directory.
    hosts[i] = Child.start(args, hostLogs().resolve("host-" + i), hostRuns[i]++);
  }

  private void awaitHostReady(int i) throws InterruptedException {
    Child child = hosts[i];
    assertThat(child.awaitReady(READY_TIMEOUT)).as("host " + i + " incarnation " + (hostRuns[i] - 1)
        + " ready; output:\n" + child.output()).isTrue();
  }

  private void startAggregator() throws Exception {
    launchAggregator();
    awaitAggregatorReady();
  }

  private void launchAggregator() throws Exception {
    Files.createDirectories(aggregatorLogs());
    Map<String, String> args = new LinkedHashMap<>(aggregatorArgs);
    int run = aggregatorRuns++;
    args.put("run", Integer.toString(run));
    Path output = aggregatorLogs().resolve("out-" + run + ".txt");
    aggregator = ChildJvm.start(FleetCrashStormTest.childOptions(), FleetAggregatorMain.class, output,
        ChildArgs.toArray(args));
  }

  private void awaitAggregatorReady() throws InterruptedException {
    int run = aggregatorRuns - 1;
    Path output = aggregator.output();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Path status = aggregatorLogs().resolve("agg-status-" + run + ".log");
    // Ready: started, and its Streams instance RUNNING with every partition (the first rebalance done).
    while (!read(output).contains("READY run=" + run) || !running(lastStatus(status))) {
      assertThat(aggregator.isAlive()).as("aggregator incarnation " + run + " alive; output:\n" + read(output))
          .isTrue();
      assertThat(System.nanoTime()).as("aggregator incarnation " + run + " ready in time; output:\n" + read(output))
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private void assertAllAlive(String when) {
    for (int i = 0; i < HOSTS; i++) {
      assertThat(hosts[i].isAlive()).as("host " + i + " alive " + when + "; output:\n" + hosts[i].output()).isTrue();
    }
    assertThat(aggregator.isAlive()).as("aggregator alive " + when + "; output:\n"
        + read(aggregator.output())).isTrue();
    assertThat(broker.isAlive()).as("broker alive " + when + "; see " + broker.output()).isTrue();
  }

  private void sleepUntil(long simulatedMillis) throws InterruptedException {
    long wait = simulatedMillis - time.clock().millis();
    if (wait > 0) {
      Thread.sleep(time.real(Duration.ofMillis(wait)).toMillis());
    }
  }

  /** Waits for every host to record to its end, drain and exit 0; returns their last status lines. */
  private List<Map<String, String>> awaitHostsDrained(int hours) throws InterruptedException {
    long recordUntil = time.hour(hours).toEpochMilli();
    // Recording ends at recordUntil; a host drains once its last hour closed (1 h 5 min later) and nothing
    // failed for 20 simulated minutes; a minute of real time more for a busy machine.
    Duration within = time.real(Duration.ofMillis(Math.max(0, recordUntil - time.clock().millis()))
        .plusHours(3)).plusSeconds(60);
    List<Map<String, String>> finals = new ArrayList<>();
    for (int i = 0; i < HOSTS; i++) {
      int exit = hosts[i].awaitExit(within);
      assertThat(exit).as("host " + i + " drained and exited; output:\n" + hosts[i].output()).isZero();
      List<Map<String, String>> statuses = hosts[i].statuses();
      finals.add(statuses.get(statuses.size() - 1));
    }
    return finals;
  }

  /**
   * Waits until the aggregator's status shows no hour open, nothing unread, no final unsettled and no
   * carry waiting, unchanged for {@link #SETTLED_FOR}; returns that status.
   */
  private Map<String, String> awaitSettled() throws InterruptedException {
    Path status = aggregatorLogs().resolve("agg-status-" + (aggregatorRuns - 1) + ".log");
    long deadline = System.nanoTime() + time.real(Duration.ofHours(3)).plusSeconds(60).toNanos();
    String settledSince = null;
    long since = 0;
    Map<String, String> last = Map.of();
    while (System.nanoTime() < deadline) {
      assertThat(aggregator.isAlive()).as("aggregator alive while settling; output:\n" + read(aggregator.output()))
          .isTrue();
      last = lastStatus(status);
      if (settled(last)) {
        String signature = last.get("finalsEmitted") + "/" + last.get("acceptedReports") + "/"
            + last.get("deadLetteredUnits") + "/" + last.get("carriedUnits");
        if (!signature.equals(settledSince)) {
          settledSince = signature;
          since = System.nanoTime();
        } else if (System.nanoTime() - since > SETTLED_FOR.toNanos()) {
          return last;
        }
      } else {
        settledSince = null;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the aggregator and sender did not settle; last status: " + last + "; output:\n"
        + read(aggregator.output()));
  }

  private static boolean running(Map<String, String> s) {
    return s != null && "RUNNING".equals(s.get("state"))
        && Integer.toString(FleetHarness.PARTITIONS).equals(s.get("partitions"));
  }

  static boolean settled(Map<String, String> s) {
    return s != null && "RUNNING".equals(s.get("state")) && s.get("partitions").equals(Integer.toString(
        FleetHarness.PARTITIONS)) && "true".equals(s.get("senderActive")) && "0".equals(s.get("openKeys"))
        && "0".equals(s.get("lag")) && "0".equals(s.get("finalsPending")) && "0".equals(s.get("finalsLag"))
        && "0".equals(s.get("carriesWaiting"));
  }

  private static Map<String, String> lastStatus(Path file) {
    List<String> lines = Child.lines(file);
    for (int i = lines.size() - 1; i >= 0; i--) {
      Map<String, String> parsed = FleetAggregatorMain.parse(lines.get(i));
      if (parsed != null) {
        return parsed;
      }
    }
    return null;
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
