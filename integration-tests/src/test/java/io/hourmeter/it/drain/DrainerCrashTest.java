package io.hourmeter.it.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.MeteringMode;
import io.hourmeter.internal.drain.CrashPoints;
import io.hourmeter.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The randomized crash test of issue 3: child JVMs record and drain on one journal directory over
 * many simulated hours and are killed with SIGKILL at random moments, or halt (as kill -9 does) at a
 * named point: between a freeze and its first send, between IN_FLIGHT and the send, between the
 * send and the ledger write of its outcome, and on either side of a checkpoint of sums' commit. Every other round a second process shares the directory.
 * A last child drains to the end; then the endpoint's records must reconcile exactly with the journal
 * (see {@link CrashRig#reconcile()}).
 *
 * <p>The default run takes about a minute; {@code -Dhourmeter.drain.crash.rounds=N} runs N rounds per
 * mode (a soak).
 */
class DrainerCrashTest {
  private static final int ROUNDS = Integer.getInteger("hourmeter.drain.crash.rounds", 0);
  private static final String[] HALT_POINTS = {CrashPoints.AFTER_FREEZE, CrashPoints.BEFORE_SEND,
      CrashPoints.AFTER_SEND, CrashPoints.BEFORE_SUMS_CHECKPOINT, CrashPoints.AFTER_SUMS_CHECKPOINT, null};

  @TempDir
  Path tmp;

  @Test
  void hourlyReportsSurviveRandomKillsWithoutLossOrDoubleBilling() throws Exception {
    Set<String> halted = storm(MeteringMode.HOURLY, ROUNDS > 0 ? ROUNDS : 6, 0, 7);
    assertThat(halted).as("halted on either side of a checkpoint of sums' commit")
        .contains(CrashPoints.BEFORE_SUMS_CHECKPOINT, CrashPoints.AFTER_SUMS_CHECKPOINT);
  }

  @Test
  void agentCoreSubmissionsSurviveRandomKillsWithoutLossOrDoubleBilling() throws Exception {
    storm(MeteringMode.AGENTCORE, ROUNDS > 0 ? ROUNDS : 2, 1, 11);
  }

  private Set<String> storm(MeteringMode mode, int rounds, int firstPoint, long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    try (CrashRig rig = new CrashRig(tmp.resolve(mode.name()), mode)) {
      int kills = 0;
      for (int round = 0; round < rounds; round++) {
        String point = HALT_POINTS[(firstPoint + round) % HALT_POINTS.length];
        String haltAt = point == null ? null : point + ":" + (1 + random.nextInt(2));
        ChildJvm first = rig.start(haltAt, true, random.nextLong());
        int firstNo = rig.started();
        ChildJvm second = round % 2 == 0 ? rig.start(haltAt, true, random.nextLong()) : null;
        rig.awaitRecording(firstNo, first, Duration.ofSeconds(20));
        // A child with a halt point runs until it halts there (a simulated hour or so); others are
        // killed at a random moment.
        Duration life = haltAt != null ? Duration.ofSeconds(13) : Duration.ofMillis(500 + random.nextInt(2_500));
        long until = System.nanoTime() + life.toNanos();
        while (System.nanoTime() < until && first.isAlive()) {
          Thread.sleep(20);
        }
        kills += killIfAlive(first) + killIfAlive(second);
      }
      rig.drainToTheEnd(Duration.ofSeconds(60));
      rig.reconcile();
      assertThat(kills + rig.halts()).as("crashes").isGreaterThanOrEqualTo(rounds);
      assertThat(rig.halts()).as("children that halted at a named crash point").isPositive();
      return rig.haltPoints();
    }
  }

  private static int killIfAlive(ChildJvm child) throws InterruptedException {
    if (child == null || !child.isAlive()) {
      return 0;
    }
    child.kill();
    return 1;
  }
}
