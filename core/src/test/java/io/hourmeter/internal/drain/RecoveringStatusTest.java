package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static io.hourmeter.internal.drain.DrainerFixture.PRODUCT;
import static io.hourmeter.internal.drain.DrainerFixture.hourStart;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeterStatus.Sending;
import io.hourmeter.internal.DefaultMeter;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import io.hourmeter.testing.RecordingUsageSubmitter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While the drainer rebuilds its state (after a failed step), status keeps the last known pending
 * units and says it is recovering: a health check must never read "all sent" while nothing is sent.
 */
class RecoveringStatusTest {
  @TempDir
  Path dir;

  private final MutableClock clock = MutableClock.atHour(HOUR);
  private final AtomicBoolean ledgerBroken = new AtomicBoolean();
  /** In-memory storage whose ledger commits fail while {@link #ledgerBroken} is set. */
  private final HookedStorage storage = new HookedStorage(new InMemoryStorage());

  {
    storage.beforeCommit = puts -> {
      if (ledgerBroken.get()) {
        throw new IllegalStateException("disk error (test)");
      }
    };
  }

  @Test
  void afterAFailedStepStatusKeepsTheLastKnownPendingUnitsAndSaysItIsRecovering() {
    RecordingUsageSubmitter aws = new RecordingUsageSubmitter(clock, PRODUCT, Set.of("users"));
    aws.failNext(1_000, OutcomeClass.RETRYABLE);
    try (DefaultMeter meter = (DefaultMeter) Meter.builder()
        .productCode(PRODUCT)
        .dimensions("users")
        .journalDirectory(dir)
        .submitter(aws)
        .clock(clock)
        .storage(storage)
        .drainerThread(false)
        .sendJitter(Duration.ZERO)
        .build()) {
      meter.record("users", 7);
      clock.advance(Duration.ofMinutes(62));
      for (int i = 0; i < 20 && meter.drainer().doWork() > 0; i++) {
        // drain until the frozen hour waits in backoff
      }
      MeterStatus before = meter.status();
      assertThat(before.pendingUnitsByHour()).containsEntry(hourStart(HOUR), Map.of("users", 7L));
      assertThat(before.sending()).isEqualTo(Sending.BACKING_OFF);

      ledgerBroken.set(true);
      clock.advance(Duration.ofMinutes(10));
      meter.drainer().doWork();
      MeterStatus during = meter.status();

      assertThat(during.lastError()).contains("disk error (test)");
      assertThat(during.sending()).isEqualTo(Sending.RECOVERING);
      assertThat(during.pendingUnitsByHour()).containsEntry(hourStart(HOUR), Map.of("users", 7L));
      assertThat(during.oldestUnsentHour()).isEqualTo(hourStart(HOUR));

      ledgerBroken.set(false);
      clock.advance(Duration.ofSeconds(2));
      meter.drainer().doWork();

      assertThat(meter.status().sending()).isNotEqualTo(Sending.RECOVERING);
      assertThat(meter.status().pendingUnitsByHour()).containsEntry(hourStart(HOUR), Map.of("users", 7L));
    }
  }
}
