package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.HourmeterException;
import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import io.hourmeter.testing.RecordingUsageSubmitter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly one drainer per journal directory, and one lock per directory per JVM: nothing in the
 * drainer's JVM ever drops its lock. (Two processes on one directory, one draining and the other
 * appending until it takes over: {@code integration-tests} {@code TwoProcessesOneDrainerTest}.)
 */
class OneDrainerTest {
  @TempDir
  Path dir;

  @Test
  void aSecondBuildOnADirectoryThisJvmMetersFailsNamingItAndTheFirstKeepsItsLock() throws Exception {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.drain();
    Path otherSpelling = Files.createSymbolicLink(dir.resolve("alias"), f.directory);

    assertThatThrownBy(f::build).isInstanceOf(HourmeterException.class)
        .hasMessageContaining("journalDirectory " + f.directory)
        .hasMessageContaining("already metered by a Meter in this JVM");
    assertThatThrownBy(() -> Meter.builder().productCode(DrainerFixture.PRODUCT).dimensions("users")
        .journalDirectory(otherSpelling).submitter(f.aws).storage(new InMemoryStorage()).drainerThread(false)
        .freeSpaceProbe(d -> Long.MAX_VALUE).build())
        .isInstanceOf(HourmeterException.class).hasMessageContaining("already metered");

    assertThat(f.meter.status().drainer()).isTrue();
    assertThat(LockProbeChild.heldByAnotherProcess(f.directory, dir.resolve("probe.log")))
        .as("the OS still sees the first meter's lock").isTrue();
    f.record("users", 3);
    f.run(Duration.ofMinutes(62));
    assertThat(f.acceptedUnits("users")).isEqualTo(3);
  }

  @Test
  void aMeterClosedCleanlyLetsTheNextOneBeBuiltAndDrain() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 2);
    f.drain();
    f.restart();
    f.record("users", 1);
    f.run(Duration.ofMinutes(62));

    assertThat(f.meter.status().drainer()).isTrue();
    assertThat(f.acceptedUnits("users")).isEqualTo(3);
  }

  @Test
  void aLedgerThatFailsToOpenReleasesTheLockForAWhileAndTheMeterDrainsOnTheNextTry() throws Exception {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
    f.hooked.beforeOpenLedger = () -> {
      if (failed.compareAndSet(false, true)) {
        throw new IllegalStateException("test: the ledger cannot be opened");
      }
    };
    f.record("users", 3);
    f.drain();
    assertThat(failed).isTrue();
    assertThat(f.meter.status().drainer()).isFalse();
    assertThat(LockProbeChild.heldByAnotherProcess(f.directory, dir.resolve("probe.log")))
        .as("released while the ledger cannot be opened").isFalse();

    f.run(Drainer.LOCK_RETRY.plus(Duration.ofMinutes(62)));

    assertThat(f.meter.status().drainer()).isTrue();
    assertThat(f.acceptedUnits("users")).isEqualTo(3);
  }

  @Test
  void probingTheLockInTheDrainersJvmKeepsItHeld() throws Exception {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.drain();

    assertThat(DrainerLock.isHeld(f.directory)).isTrue();
    assertThat(DrainerLock.isHeld(f.directory)).isTrue();

    assertThat(LockProbeChild.heldByAnotherProcess(f.directory, dir.resolve("probe.log"))).isTrue();
    assertThat(f.meter.status().drainer()).isTrue();
  }

  @Test
  void theLockIsHeldUntilTheHolderReleasesItAndAnotherHandleNeverDropsIt() throws Exception {
    DrainerLock first = DrainerLock.claim(dir);
    assertThat(first.tryAcquire()).isTrue();
    first.unclaim();
    DrainerLock second = DrainerLock.claim(dir);

    assertThat(second.tryAcquire()).isFalse();
    assertThat(DrainerLock.isHeld(dir)).isTrue();
    assertThat(LockProbeChild.heldByAnotherProcess(dir, dir.resolve("probe1.log"))).isTrue();
    first.close();
    assertThat(DrainerLock.isHeld(dir)).isFalse();
    assertThat(second.tryAcquire()).isTrue();
    second.close();
    assertThat(LockProbeChild.heldByAnotherProcess(dir, dir.resolve("probe2.log"))).isFalse();
  }

  @Test
  void aMeterRebuiltAfterACloseThatTimedOutDrainsOnceTheStuckSendReturns() throws Exception {
    MutableClock clock = MutableClock.atHour(HOUR);
    RecordingUsageSubmitter aws = new RecordingUsageSubmitter(clock, "prod-x", Set.of("users"));
    CountDownLatch sending = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    var stuck = new HourlyDrainTest.ForwardingSubmitter(aws) {
      @Override
      public SubmitOutcome submit(UsageReport report) {
        sending.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return super.submit(report);
      }
    };
    InMemoryStorage storage = new InMemoryStorage();
    Path journal = dir.resolve("j");
    Meter first = Meter.builder().productCode("prod-x").dimensions("users").journalDirectory(journal)
        .submitter(stuck).clock(clock).storage(storage).sendJitter(Duration.ZERO)
        .freeSpaceProbe(d -> Long.MAX_VALUE).closeTimeout(Duration.ofMillis(100)).build();
    first.record("users", 3);
    clock.advance(Duration.ofMinutes(62));
    assertThat(sending.await(30, TimeUnit.SECONDS)).isTrue();
    first.close();

    try (Meter second = Meter.builder().productCode("prod-x").dimensions("users").journalDirectory(journal)
        .submitter(aws).clock(clock).storage(storage).sendJitter(Duration.ZERO)
        .freeSpaceProbe(d -> Long.MAX_VALUE).build()) {
      second.record("users", 4);
      clock.advance(Drainer.LOCK_RETRY);
      Thread.sleep(200);
      assertThat(second.status().drainer()).as("the stuck send still holds the lock").isFalse();

      release.countDown();
      await(second, clock, MeterStatus::drainer);
      clock.advance(Duration.ofHours(1));
      await(second, clock, s -> s.acceptedUnits() == 7);

      assertThat(aws.acceptedUnits()).containsEntry("users", 7L);
    }
  }

  /** Moves the clock on until the condition holds on the meter's status (bounded). */
  private static void await(Meter meter, MutableClock clock, Predicate<MeterStatus> condition)
      throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.test(meter.status()) && System.nanoTime() < until) {
      Thread.sleep(20);
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(meter.status()).matches(condition);
  }
}
