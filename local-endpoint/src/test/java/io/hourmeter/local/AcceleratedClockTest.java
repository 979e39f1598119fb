package io.hourmeter.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AcceleratedClockTest {
  private final AtomicLong baseMillis = new AtomicLong(1_000_000);
  private final InstantSource base = () -> Instant.ofEpochMilli(baseMillis.get());
  private final Instant simulatedStart = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void anHourPassesInTenSecondsAtSpeedUp360() {
    AcceleratedClock clock = AcceleratedClock.of(base, simulatedStart, base.instant(), 360);
    baseMillis.addAndGet(10_000);

    assertThat(clock.instant()).isEqualTo(simulatedStart.plus(Duration.ofHours(1)));
    assertThat(clock.realTimeFor(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void twoClocksSharingTheirStartsAgreeAsARestartedProcessWould() {
    Instant baseStart = base.instant();
    AcceleratedClock first = AcceleratedClock.of(base, simulatedStart, baseStart, 100);
    baseMillis.addAndGet(12_345);
    AcceleratedClock restarted = AcceleratedClock.of(base, first.simulatedStart(), first.baseStart(), first.speedUp());

    assertThat(restarted.millis()).isEqualTo(first.millis());
    assertThat(restarted.instant()).isAfter(simulatedStart);
  }

  @Test
  void aSpeedUpThatIsNotPositiveIsRejected() {
    assertThatThrownBy(() -> AcceleratedClock.of(base, simulatedStart, base.instant(), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("speedUp");
    assertThatThrownBy(() -> AcceleratedClock.of(base, simulatedStart, base.instant(), Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("speedUp");
  }
}
