package io.hourmeter.micrometer;

import static io.hourmeter.micrometer.StatusMeter.pending;
import static io.hourmeter.micrometer.StatusMeter.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.MeterStatus;
import io.hourmeter.spi.CircuitState;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The names a Prometheus user alerts on, as micrometer-registry-prometheus writes them. */
class PrometheusTextTest {

  @Test
  void prometheusNamesCarryBaseUnitsAndTotals() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    StatusMeter meter = new StatusMeter(status(pending("2026-11-23T11:00:00Z", "users", 12), 2,
        MeterStatus.Sending.BACKING_OFF, CircuitState.OPEN, Set.of()), "users");
    HourmeterMetrics.builder(meter).dimensions("users").build().bindTo(registry);

    String text = registry.scrape();

    assertThat(text)
        .contains("hourmeter_usage_pending_units{dimension=\"users\"} 12.0")
        .contains("hourmeter_unsent_oldest_age_seconds 4200.0")
        .contains("hourmeter_unsent_deadline_remaining_seconds 17400.0")
        .contains("hourmeter_reports_accepted_total 41.0")
        .contains("hourmeter_usage_accepted_units_total 4100.0")
        .contains("hourmeter_usage_carried_units_total 7.0")
        .contains("hourmeter_usage_refused_units_total 3.0")
        .contains("hourmeter_usage_dead_lettered_units 20.0")
        .contains("hourmeter_send_failures_consecutive 2.0")
        .contains("hourmeter_drainer_lag_seconds 0.75")
        .contains("hourmeter_circuit_state{state=\"open\"} 1.0")
        .contains("hourmeter_sending_state{state=\"backing_off\"} 1.0")
        .contains("hourmeter_health{level=\"degraded\"} 1.0")
        .contains("hourmeter_journal_size_bytes 123456.0")
        .contains("# HELP hourmeter_unsent_oldest_age_seconds Time since the start of the oldest hour");
    assertThat(Meter.class.getPackage().getImplementationVersion()).startsWith("1.17.");
  }
}
