package io.hourmeter.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.MeteringMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage recorded at full speed while the drainer restarts is all billed. Child JVMs record into one
 * journal directory in AgentCore mode, whose drainer commits a checkpoint one past the last record it
 * read at every cut, each as fast as {@code record()} returns (no pause between calls). Two record at
 * any time: the older holds the drainer lock; the test SIGKILLs it, so the younger takes the drainer
 * over and opens its journal reader at the checkpoint while both the killed process's last appends
 * and its own land. The last process stops recording, drains and exits; then every unit the
 * recorders' logs say was recorded must be accepted exactly once.
 *
 * <p>This is the end-to-end guard of issue 10, item 1 (a reader that jumped to the end skipped what
 * was appended as it opened), not its proof: the old reader passed it too, even in the soak (40 moves,
 * 14.5 million records), because the checkpoint a new drainer finds has almost always been written by
 * the time it opens. The race itself is pinned down by the journal contract's
 * {@code aReaderOpenedAtTheEndWhileAnotherThreadAppendsSkipsNothing}, which failed on the old reader.
 *
 * <p>The default run moves the drainer once (two child JVMs); {@code -Dhourmeter.soak=true} 40 times.
 */
class DrainerRestartTest {
  private static final String[] DIMENSIONS = {"users"};

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  @Test
  void usageRecordedAtFullSpeedAcrossDrainerRestartsIsAllBilledOnce() throws Exception {
    int rounds = Soak.pick(1, 40);
    // A short simulated hour: AgentCore cuts every 10 simulated minutes, and the last incarnation waits
    // 65 of them after recording before it calls itself drained.
    SharedClock time = SharedClock.startingNow(Duration.ofSeconds(2));
    InstantSource clock = time.clock();
    Path logs = tmp.resolve("logs");
    Path stop = tmp.resolve("stop-recording");
    try (EndpointFixture endpoint = new EndpointFixture(clock, DIMENSIONS)) {
      Map<String, String> args = new LinkedHashMap<>();
      args.put("dir", tmp.resolve("journal").toString());
      args.put("mode", MeteringMode.AGENTCORE.name());
      args.put("dims", String.join(",", DIMENSIONS));
      args.put("endpoint", endpoint.uri().toString());
      time.putArgs(args);
      args.put("threads", "1");
      args.put("pauseMicros", "0");
      args.put("maxQuantity", "1");
      args.put("recordUntil", Long.toString(time.hour(10_000).toEpochMilli()));
      args.put("stopFile", stop.toString());

      long started = System.nanoTime();
      int run = 0;
      Child current = awaitReady(Child.start(new LinkedHashMap<>(args), logs, run++));
      Map<String, String> last;
      try {
        for (int round = 0; round < rounds; round++) {
          // The oldest living process holds the drainer lock; the next one, recording too, takes the
          // drainer over when the oldest is killed. The last one also drains to the end and exits.
          Map<String, String> nextArgs = new LinkedHashMap<>(args);
          nextArgs.put("drain", Boolean.toString(round == rounds - 1));
          Child next = awaitReady(Child.start(nextArgs, logs, run++));
          Thread.sleep(400);
          assertThat(current.isAlive()).as("recorder alive until killed; output:\n" + current.output()).isTrue();
          current.kill();
          current.close();
          current = next;
        }
        Thread.sleep(400);
        Files.writeString(stop, "stop");
        assertThat(current.awaitExit(time.real(Duration.ofHours(4)).plusSeconds(60)))
            .as("the last incarnation drains and exits; output:\n" + current.output()).isZero();
        List<Map<String, String>> statuses = current.statuses();
        last = statuses.get(statuses.size() - 1);
      } finally {
        current.close();
      }
      long drained = System.nanoTime();
      GroundTruth truth = GroundTruth.read(logs);
      Reconciliation reconciliation = Reconciliation.builder("drainer restarts under full-speed recording, "
          + rounds + " SIGKILLs of the drainer", MeteringMode.AGENTCORE)
          .truth(truth)
          .observed(endpoint, tmp.resolve("journal"))
          .pending(StatusLine.decodeMap(last.get("pendingByDimension")))
          .allowDeadLetters("outcome unknown")
          .build();
      System.out.printf("%nDrainer restarts: %d incarnations, %d record() calls logged, %d records accepted, "
          + "%d ms%n%s", run, truth.calls(), endpoint.accepted().size(), (drained - started) / 1_000_000,
          reconciliation.table());
      assertThat(reconciliation.violations()).as("reconciliation").isEmpty();
      assertThat(truth.totalRecorded()).as("units recorded").isPositive();
    }
  }

  private static Child awaitReady(Child child) throws InterruptedException {
    assertThat(child.awaitReady(Duration.ofSeconds(60))).as("incarnation ready; output:\n" + child.output()).isTrue();
    return child;
  }
}
