package io.hourmeter.it.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.MeteringMode;
import io.hourmeter.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four child JVMs append to one journal directory at once while, again and again, one of them (every
 * other time the one that drains, when the logs tell which) is killed with SIGKILL in the middle of
 * its appends and a new process takes its place. At the end a last process drains everything; then,
 * per dimension, the units whose {@code record()} returned in any process are in the journal (plus at
 * most the calls a kill cut short), and what the local endpoint accepted plus what was dead-lettered
 * equals the journal exactly, with no dimension-hour ever sent with two quantities: every
 * acknowledged record of every process is reported once ({@link CrashRig#reconcile()}).
 *
 * <p>About a minute by default (an accelerated clock, so several hours freeze); the soak
 * ({@code -Dhourmeter.soak=true}) kills for ten minutes, or {@code -Dhourmeter.killOneOfFour.seconds}.
 */
class KillOneOfFourTest {
  private static final int PROCESSES = 4;
  private static final long SECONDS = Long.getLong("hourmeter.killOneOfFour.seconds",
      Boolean.getBoolean("hourmeter.soak") ? 600 : 35);

  @TempDir
  Path tmp;

  @Test
  void everyAcknowledgedRecordOfEveryProcessIsReportedOnceThoughOneOfFourKeepsBeingKilled() throws Exception {
    SplittableRandom random = new SplittableRandom(14);
    try (CrashRig rig = new CrashRig(tmp.resolve("four"), MeteringMode.HOURLY)) {
      ChildJvm[] children = new ChildJvm[PROCESSES];
      int[] numbers = new int[PROCESSES];
      for (int i = 0; i < PROCESSES; i++) {
        children[i] = rig.start(null, true, random.nextLong());
        numbers[i] = rig.started();
      }
      for (int i = 0; i < PROCESSES; i++) {
        rig.awaitRecording(numbers[i], children[i], Duration.ofSeconds(30));
      }
      int kills = 0;
      int drainerKills = 0;
      long until = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
      while (System.nanoTime() < until) {
        Thread.sleep(1_000 + random.nextInt(3_000));
        int victim = random.nextInt(PROCESSES);
        if (kills % 2 == 1) {
          for (int i = 0; i < PROCESSES; i++) {
            if (rig.log(numbers[i]).lastSaidDrainer()) {
              victim = i;
              drainerKills++;
              break;
            }
          }
        }
        if (children[victim].isAlive()) {
          children[victim].kill();
          kills++;
        }
        children[victim] = rig.start(null, true, random.nextLong());
        numbers[victim] = rig.started();
        rig.awaitRecording(numbers[victim], children[victim], Duration.ofSeconds(30));
      }
      for (ChildJvm child : children) {
        child.kill();
      }
      rig.drainToTheEnd(Duration.ofSeconds(90));
      rig.reconcile();
      System.out.println("kill-one-of-four: " + kills + " kills (" + drainerKills + " of the drainer), "
          + rig.started() + " processes");
      assertThat(kills).as("processes killed while appending").isGreaterThanOrEqualTo(3);
      assertThat(drainerKills).as("kills of the process that drained").isPositive();
    }
  }
}
