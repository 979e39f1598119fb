package io.hourmeter.it.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.MeteringMode;
import io.hourmeter.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs record into one Chronicle journal directory: exactly one of them drains (the OS file lock
 * elects it), and when it is killed the other takes over.
 */
class TwoProcessesOneDrainerTest {
  @TempDir
  Path tmp;

  @Test
  void exactlyOneOfTwoProcessesDrainsAndTheOtherTakesOverWhenItDies() throws Exception {
    try (CrashRig rig = new CrashRig(tmp, MeteringMode.HOURLY)) {
      ChildJvm first = rig.start(null, true, 1);
      ChildJvm second = rig.start(null, true, 2);
      rig.awaitRecording(1, first, Duration.ofSeconds(60));
      rig.awaitRecording(2, second, Duration.ofSeconds(60));
      Thread.sleep(1_000);

      ChildLog one = rig.log(1);
      ChildLog two = rig.log(2);
      assertThat(one.recorded()).as("the first process records").isNotEmpty();
      assertThat(two.recorded()).as("the second process records").isNotEmpty();
      assertThat(one.lastSaidDrainer() ^ two.lastSaidDrainer()).as("exactly one drains").isTrue();
      assertThat(one.everDrainer() && two.everDrainer()).as("never both").isFalse();

      ChildJvm drainer = one.lastSaidDrainer() ? first : second;
      int survivor = one.lastSaidDrainer() ? 2 : 1;
      drainer.kill();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!rig.log(survivor).lastSaidDrainer() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(rig.log(survivor).lastSaidDrainer()).as("the survivor took over the drainer lock").isTrue();

      Files.writeString(tmp.resolve("stop"), "stop");
      assertThat((survivor == 1 ? first : second).awaitExit(Duration.ofSeconds(30))).isZero();
    }
  }
}
