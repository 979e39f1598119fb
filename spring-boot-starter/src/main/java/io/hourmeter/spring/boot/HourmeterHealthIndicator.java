package io.hourmeter.spring.boot;

import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeteringHealth;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator health of metering, by {@link MeteringHealth}'s rule (AWS's "do not fail closed before two
 * hours"): UP while metering is fine or degraded for under two hours, with the level in the details;
 * DOWN once a closed hour has waited two hours past its end. The details are those of the integration
 * sample's {@code /health/metering}. Reads one status snapshot; never touches the recording path.
 *
 * <p>Thread-safe.
 */
public final class HourmeterHealthIndicator implements HealthIndicator {

  private final Meter meter;

  HourmeterHealthIndicator(Meter meter) {
    this.meter = meter;
  }

  @Override
  public Health health() {
    MeterStatus status = meter.status();
    MeteringHealth health = MeteringHealth.of(status);
    Health.Builder builder = health.level() == MeteringHealth.Level.FAILING ? Health.down() : Health.up();
    health.toMap(status).forEach((key, value) -> {
      if (value != null) {
        builder.withDetail(key, value);
      }
    });
    return builder.build();
  }
}
