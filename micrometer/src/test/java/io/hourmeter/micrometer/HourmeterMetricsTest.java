package io.hourmeter.micrometer;

import static io.hourmeter.micrometer.StatusMeter.pending;
import static io.hourmeter.micrometer.StatusMeter.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.MeterStatus;
import io.hourmeter.spi.CircuitState;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HourmeterMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private StatusMeter bound(MeterStatus status) {
    StatusMeter meter = new StatusMeter(status, "users", "requests");
    HourmeterMetrics.builder(meter).dimensions("users", "requests").snapshotMaxAge(Duration.ZERO).build()
        .bindTo(registry);
    return meter;
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  @Test
  void pendingUnitsAreSummedOverHoursPerDimension() {
    bound(status(pending("2026-11-23T11:00:00Z", "users", 5, "2026-11-23T12:00:00Z", "users", 7,
        "2026-11-23T12:00:00Z", "requests", 30), 0, MeterStatus.Sending.ACTIVE, CircuitState.CLOSED, Set.of()));

    assertThat(gauge("hourmeter.usage.pending", "dimension", "users")).isEqualTo(12);
    assertThat(gauge("hourmeter.usage.pending", "dimension", "requests")).isEqualTo(30);
    assertThat(registry.get("hourmeter.usage.pending").gauge().getId().getBaseUnit()).isEqualTo("units");
  }

  @Test
  void theOldestUnsentHoursAgeAndTimeLeftAreInSeconds() {
    bound(status(pending("2026-11-23T09:00:00Z", "users", 1), 3, MeterStatus.Sending.BACKING_OFF,
        CircuitState.OPEN, Set.of()));

    // 09:00 at 12:10: 3 h 10 min old, 2 h 50 min before 15:00.
    assertThat(registry.get("hourmeter.unsent.oldest.age").timeGauge().value(TimeUnit.SECONDS))
        .isEqualTo(190 * 60);
    assertThat(registry.get("hourmeter.unsent.deadline.remaining").timeGauge().value(TimeUnit.SECONDS))
        .isEqualTo(170 * 60);
    assertThat(registry.get("hourmeter.unsent.oldest.age").timeGauge().getId().getBaseUnit()).isEqualTo("seconds");
  }

  @Test
  void nothingUnsentIsAgeZeroAndNoDeadline() {
    bound(status(pending(), 0, MeterStatus.Sending.ACTIVE, CircuitState.CLOSED, Set.of()));

    assertThat(registry.get("hourmeter.unsent.oldest.age").timeGauge().value(TimeUnit.SECONDS)).isZero();
    assertThat(registry.get("hourmeter.unsent.deadline.remaining").timeGauge().value(TimeUnit.SECONDS)).isNaN();
    assertThat(gauge("hourmeter.usage.pending", "dimension", "users")).isZero();
  }

  @Test
  void totalsAreCountersAndDeadLettersGauges() {
    bound(status(pending(), 0, MeterStatus.Sending.ACTIVE, CircuitState.CLOSED, Set.of()));

    assertThat(registry.get("hourmeter.reports.accepted").functionCounter().count()).isEqualTo(41);
    assertThat(registry.get("hourmeter.usage.accepted").functionCounter().count()).isEqualTo(4_100);
    assertThat(registry.get("hourmeter.usage.carried").functionCounter().count()).isEqualTo(7);
    assertThat(registry.get("hourmeter.usage.refused").functionCounter().count()).isEqualTo(3);
    assertThat(gauge("hourmeter.reports.dead.lettered")).isEqualTo(2);
    assertThat(gauge("hourmeter.usage.dead.lettered")).isEqualTo(20);
    assertThat(gauge("hourmeter.journal.size")).isEqualTo(123_456);
    assertThat(registry.get("hourmeter.journal.size").gauge().getId().getBaseUnit()).isEqualTo("bytes");
    assertThat(gauge("hourmeter.dimensions.quarantined")).isEqualTo(1);
    assertThat(gauge("hourmeter.customers.pending")).isEqualTo(5);
    assertThat(registry.get("hourmeter.send.last.success.age").timeGauge().value(TimeUnit.SECONDS)).isEqualTo(600);
  }

  @Test
  void circuitSendingAndHealthStatesAreOneHotGauges() {
    StatusMeter meter = bound(status(pending("2026-11-23T09:00:00Z", "users", 1), 9,
        MeterStatus.Sending.BACKING_OFF, CircuitState.OPEN, Set.of()));

    assertThat(gauge("hourmeter.circuit.state", "state", "open")).isEqualTo(1);
    assertThat(gauge("hourmeter.circuit.state", "state", "closed")).isZero();
    assertThat(gauge("hourmeter.sending.state", "state", "backing_off")).isEqualTo(1);
    assertThat(gauge("hourmeter.sending.state", "state", "active")).isZero();
    assertThat(gauge("hourmeter.send.failures.consecutive")).isEqualTo(9);
    // 09:00 is unsent 2 h 10 min after it ended: the health rule says failing.
    assertThat(gauge("hourmeter.health", "level", "failing")).isEqualTo(1);
    assertThat(gauge("hourmeter.health", "level", "ok")).isZero();

    meter.set(status(pending(), 0, MeterStatus.Sending.ACTIVE, CircuitState.CLOSED, Set.of()));
    assertThat(gauge("hourmeter.circuit.state", "state", "open")).isZero();
    assertThat(gauge("hourmeter.health", "level", "ok")).isEqualTo(1);
  }

  @Test
  void customerTagsOnlyForTheBuyersNamed() {
    StatusMeter meter = new StatusMeter(status(pending(), 0, MeterStatus.Sending.ACTIVE, CircuitState.CLOSED,
        Set.of("account:111122223333", "account:444455556666")), "users");
    HourmeterMetrics.builder(meter).dimensions("users").customerTags("account:111122223333", "account:999")
        .build().bindTo(registry);

    assertThat(gauge("hourmeter.customer.quarantined", "customer", "account:111122223333")).isEqualTo(1);
    assertThat(gauge("hourmeter.customer.quarantined", "customer", "account:999")).isZero();
    assertThat(registry.find("hourmeter.customer.quarantined").gauges()).hasSize(2);
    assertThat(gauge("hourmeter.customers.quarantined")).isEqualTo(2);
  }

  @Test
  void withoutTheOptInNoMeterHasACustomerTag() {
    bound(status(pending(), 0, MeterStatus.Sending.ACTIVE, CircuitState.CLOSED, Set.of("account:1")));

    assertThat(registry.getMeters()).isNotEmpty().allSatisfy(m -> assertThat(m.getId().getTag("customer")).isNull());
  }

  @Test
  void commonTagsGoOnEveryMeter() {
    StatusMeter meter = new StatusMeter(status(pending(), 0, MeterStatus.Sending.ACTIVE, CircuitState.CLOSED,
        Set.of()), "users");
    HourmeterMetrics.builder(meter).dimensions("users").tags(List.of(Tag.of("journal", "a"))).build()
        .bindTo(registry);

    assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("journal")).isEqualTo("a"));
  }

  @Test
  void oneScrapeTakesOneStatusSnapshot() {
    MockClock clock = new MockClock();
    StatusMeter meter = new StatusMeter(status(pending(), 0, MeterStatus.Sending.ACTIVE, CircuitState.CLOSED,
        Set.of()), "users", "requests");
    HourmeterMetrics.builder(meter).dimensions("users", "requests").clock(clock).build().bindTo(registry);

    registry.getMeters().forEach(m -> m.measure().forEach(measurement -> measurement.getValue()));
    assertThat(meter.statusCalls).hasValue(1);

    clock.add(Duration.ofSeconds(1));
    registry.getMeters().forEach(m -> m.measure().forEach(measurement -> measurement.getValue()));
    assertThat(meter.statusCalls).hasValue(2);
  }

  @Test
  void aDimensionTheMeterDoesNotHaveIsRefusedNamingTheOption() {
    StatusMeter meter = new StatusMeter(status(pending(), 0, MeterStatus.Sending.ACTIVE, CircuitState.CLOSED,
        Set.of()), "users");

    assertThatThrownBy(() -> HourmeterMetrics.builder(meter).dimensions("user"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimensions").hasMessageContaining("user");
    assertThatThrownBy(() -> HourmeterMetrics.builder(meter).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("dimensions");
  }
}
