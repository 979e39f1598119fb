package io.hourmeter.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Buyer;
import io.hourmeter.MeteringMode;
import io.hourmeter.internal.DefaultMeter;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SaaS: a record that BatchMeterUsage answers for one buyer (CustomerNotSubscribed) is that buyer's
 * outcome, not a failed send of the whole product: it must not count among the drainer's consecutive
 * failures, which set the backoff that holds every other buyer's reports.
 *
 * <p>Found by {@link SaasCrashStormTest}: {@code ReportSender.apply} resets the consecutive failures
 * only after a step in which every record was accepted, and counts a step as failed when any record
 * was not (CustomerNotSubscribed, a quarantined buyer's probe, an UnprocessedRecord). A step sends up to
 * 8 calls of 25 records, so with one unsubscribed buyer among the due reports, or a small share of
 * records left unprocessed, almost no step is clean, the count only grows, and each retry backs the
 * whole product off by the capped backoff. In the storm's last, undisturbed incarnation the drainer
 * was backing off most of the time and most units were carried past their deadlines.
 *
 * <p>In process, with the real Chronicle journal, the real BatchMeterUsage submitter (backoff 30 s
 * doubling to 10 min, {@link ScaledMeter}) and the local endpoint, on a clock the test moves; the
 * drainer is stepped by hand. Hourly and AgentCore modes are not concerned: a MeterUsage call holds
 * one report.
 */
class SaasPerRecordFailureBackoffTest {
  private static final Buyer ACME = Buyer.of("123456789012", "arn:aws:license-manager::123456789012:license/l-acme");
  private static final Buyer GLOBEX = Buyer.ofAccount("210987654321");
  private static final int HOURS = 5;

  @TempDir
  Path dir;

  private final MutableClock clock = MutableClock.atHour(Math.floorDiv(Instant.now().getEpochSecond(), 3600) - 8);

  @Test
  void aBuyerNotSubscribedIsNotAFailedSendOfTheProduct() {
    try (EndpointFixture endpoint = new EndpointFixture(clock, List.of(ACME, GLOBEX), "api_calls");
         DefaultMeter meter = meter(endpoint)) {
      hoursWithANewBuyerNotSubscribed(meter);

      assertThat(endpoint.accepted()).as("the subscribed buyers' reports").hasSize(2 * HOURS);
      assertThat(meter.status().quarantinedBuyers()).as("the buyers not subscribed").hasSize(HOURS);
      assertThat(meter.status().consecutiveFailures()).as("consecutive failures after " + HOURS + " hours in which "
          + "the service accepted every subscribed buyer's record and answered CustomerNotSubscribed for one "
          + "other buyer").isZero();
    }
  }

  @Test
  void anUnprocessedRecordAfterBuyersNotSubscribedIsResentAtTheNextStepWithoutABackoff() {
    try (EndpointFixture endpoint = new EndpointFixture(clock, List.of(ACME, GLOBEX), "api_calls");
         DefaultMeter meter = meter(endpoint)) {
      hoursWithANewBuyerNotSubscribed(meter);

      meter.record(ACME, "api_calls", 7);
      meter.record(GLOBEX, "api_calls", 8);
      endpoint.endpoint().faults().unprocessedRecordsNext(1);
      int before = endpoint.accepted().size();
      clock.advance(Duration.ofMinutes(62)); // the hour ends and is frozen: one call, one record unprocessed
      drain(meter);
      assertThat(endpoint.accepted()).as("the processed record, and the unprocessed one resent at the next step "
          + "(the service accepted the other record, so nothing backs off)").hasSize(before + 2);
      int counted = meter.status().consecutiveFailures();
      int minutes = 0;
      while (endpoint.accepted().size() < before + 2 && minutes < 30) {
        clock.advance(Duration.ofMinutes(1));
        drain(meter);
        minutes++;
      }
      // Before the fix the unprocessed record waited min(30 s * 2^n, 10 min) +-50 %, n growing with every
      // hour that had a buyer not subscribed.
      assertThat(minutes).as("simulated minutes until the unprocessed record was resent and accepted, with "
          + counted + " consecutive failures counted after the unprocessed record").isZero();
      assertThat(counted).isZero();
    }
  }

  /**
   * {@link #HOURS} hours in each of which ACME, GLOBEX and one new buyer that is not subscribed record
   * once; each hour is frozen and sent (one call of three records) and settled.
   */
  private void hoursWithANewBuyerNotSubscribed(DefaultMeter meter) {
    List<Buyer> strangers = new ArrayList<>();
    for (int h = 0; h < HOURS; h++) {
      Buyer stranger = Buyer.ofAccount("99999999990" + h);
      strangers.add(stranger);
      meter.record(ACME, "api_calls", 2);
      meter.record(GLOBEX, "api_calls", 3);
      meter.record(stranger, "api_calls", 4);
      clock.advance(Duration.ofMinutes(60));
      for (int m = 0; m < 5; m++) {
        clock.advance(Duration.ofMinutes(1));
        drain(meter);
      }
      clock.advance(Duration.ofMinutes(-5));
    }
  }

  private DefaultMeter meter(EndpointFixture endpoint) {
    return (DefaultMeter) ScaledMeter.builder(dir.resolve("journal"), MeteringMode.SAAS, clock,
        ScaledMeter.submitter(endpoint.uri(), clock, MeteringMode.SAAS), "api_calls").drainerThread(false).build();
  }

  private static void drain(DefaultMeter meter) {
    for (int i = 0; i < 1_000; i++) {
      if (meter.drainer().doWork() == 0) {
        return;
      }
    }
    throw new AssertionError("the drainer never went idle");
  }
}
