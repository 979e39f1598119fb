package io.hourmeter;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.CircuitState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MeteringHealthTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:10:00Z");

  private static MeterStatus status(Instant oldestUnsent, int failures, MeterStatus.Sending sending) {
    TreeMap<Instant, Map<String, Long>> pending = new TreeMap<>();
    if (oldestUnsent != null) {
      pending.put(oldestUnsent, Map.of("users", 5L));
    }
    return new MeterStatus(NOW, MeteringMode.HOURLY, false, true, pending, oldestUnsent,
        oldestUnsent == null ? null : Duration.between(NOW, oldestUnsent.plus(Duration.ofHours(6))),
        null, failures > 0 ? NOW : null, failures > 0 ? "ThrottlingException" : null, failures, sending,
        CircuitState.CLOSED, 0, 0, 0, 0, 0, Set.of(), 0, false, 0);
  }

  @Test
  void healthyMeteringIsOkAndServes200() {
    MeteringHealth health = MeteringHealth.of(status(null, 0, MeterStatus.Sending.ACTIVE), NOW);

    assertThat(health.level()).isEqualTo(MeteringHealth.Level.OK);
    assertThat(health.httpStatus()).isEqualTo(200);
  }

  @Test
  void failuresForUnderTwoHoursAreDegradedButStillServe200() {
    // The 11:00 hour ended at 12:00; at 12:10 it has waited ten minutes.
    MeteringHealth health = MeteringHealth.of(
        status(Instant.parse("2026-11-23T11:00:00Z"), 7, MeterStatus.Sending.BACKING_OFF), NOW);

    assertThat(health.level()).isEqualTo(MeteringHealth.Level.DEGRADED);
    assertThat(health.httpStatus()).isEqualTo(200);
    assertThat(health.reason()).contains("ThrottlingException");
  }

  @Test
  void aSuspendedConfigurationIsDegradedBeforeTwoHours() {
    MeteringHealth health = MeteringHealth.of(
        status(Instant.parse("2026-11-23T10:00:00Z"), 0, MeterStatus.Sending.SUSPENDED_CONFIGURATION), NOW);

    assertThat(health.level()).isEqualTo(MeteringHealth.Level.DEGRADED);
  }

  @Test
  void anHourUnsentTwoHoursAfterItEndedIsFailingAnd503() {
    // The 09:00 hour ended at 10:00; at 12:10 it has waited 2 h 10 min.
    MeteringHealth health = MeteringHealth.of(
        status(Instant.parse("2026-11-23T09:00:00Z"), 40, MeterStatus.Sending.BACKING_OFF), NOW);

    assertThat(health.level()).isEqualTo(MeteringHealth.Level.FAILING);
    assertThat(health.httpStatus()).isEqualTo(503);
    assertThat(health.timeLeftBeforeDeadline()).isEqualTo(Duration.ofMinutes(170));
  }

  @Test
  void exactlyTwoHoursOverdueIsTheFirstFailingMoment() {
    Instant oldest = Instant.parse("2026-11-23T09:10:00Z");

    assertThat(MeteringHealth.of(status(oldest, 1, MeterStatus.Sending.BACKING_OFF), NOW).level())
        .isEqualTo(MeteringHealth.Level.FAILING);
    assertThat(MeteringHealth.of(status(oldest.plusSeconds(1), 1, MeterStatus.Sending.BACKING_OFF), NOW).level())
        .isEqualTo(MeteringHealth.Level.DEGRADED);
  }

  @Test
  void aDrainerRebuildingItsStateIsDegradedNotOk() {
    MeteringHealth health = MeteringHealth.of(
        status(Instant.parse("2026-11-23T11:00:00Z"), 0, MeterStatus.Sending.RECOVERING), NOW);

    assertThat(health.level()).isEqualTo(MeteringHealth.Level.DEGRADED);
    assertThat(health.httpStatus()).isEqualTo(200);
  }
}
