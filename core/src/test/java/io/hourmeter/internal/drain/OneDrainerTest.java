package io.hourmeter.internal.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.MeterStatus.Sending;
import io.hourmeter.internal.DefaultMeter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exactly one drainer per journal directory; the other meters only append, and take over when it goes. */
class OneDrainerTest {
  @TempDir
  Path dir;

  @Test
  void aSecondMeterOnTheDirectoryOnlyAppendsAndTakesOverWhenTheFirstCloses() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    DefaultMeter second = f.build();
    f.drain();
    second.drainer().doWork();

    assertThat(f.meter.status().drainer()).isTrue();
    assertThat(second.status().drainer()).isFalse();
    assertThat(second.status().sending()).isEqualTo(Sending.NOT_DRAINER);

    second.record("users", 2);
    f.record("users", 3);
    f.advance(Duration.ofMinutes(62));
    second.drainer().doWork();
    assertThat(f.aws.sent()).as("the second meter never sends").isEmpty();
    f.drain();
    assertThat(f.aws.accepted()).singleElement().extracting(a -> a.quantity()).isEqualTo(5L);

    f.meter.close();
    second.record("users", 4);
    f.advance(Drainer.LOCK_RETRY);
    second.drainer().doWork();
    assertThat(second.status().drainer()).isTrue();
    f.advance(Duration.ofHours(1));
    for (int i = 0; i < 10; i++) {
      second.drainer().doWork();
    }

    assertThat(f.acceptedUnits("users")).isEqualTo(9);
    second.close();
  }

  @Test
  void theLockIsHeldUntilTheHolderReleasesIt() {
    DrainerLock first = new DrainerLock(dir);
    DrainerLock second = new DrainerLock(dir);
    assertThat(first.tryAcquire()).isTrue();
    assertThat(second.tryAcquire()).isFalse();
    assertThat(DrainerLock.isHeld(dir)).isTrue();
    first.close();
    assertThat(DrainerLock.isHeld(dir)).isFalse();
    assertThat(second.tryAcquire()).isTrue();
    second.close();
  }
}
