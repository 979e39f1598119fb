package io.hourmeter.internal.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Buyer;
import io.hourmeter.CarryPolicy;
import io.hourmeter.ErrorHandler;
import io.hourmeter.MeteringMode;
import io.hourmeter.Tags;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import io.hourmeter.testing.RecordingUsageSubmitter;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sending half of the drainer over usage handed in (the fleet sender's finals). */
class SendingAgentTest {
  static final long H = 493_200;
  static final Buyer ACME = Buyer.ofAccount("111122223333");
  final MutableClock clock = MutableClock.atHour(H + 2);
  final InMemoryStorage storage = new InMemoryStorage();
  final RecordingUsageSubmitter aws = RecordingUsageSubmitter.saas(clock, "prod-x", Set.of("users"), Set.of(ACME));

  SendingAgent agent() {
    return new SendingAgent(storage.openLedger(java.nio.file.Path.of("sender")), aws, "prod-x", CarryPolicy.CARRY_FORWARD,
        ReportWindow.withDefaultMargins(MeteringMode.SAAS), clock, ErrorHandler.logOnly());
  }

  static SendingAgent.Usage usage(Tags tags, long own, long carried) {
    return new SendingAgent.Usage(new UsageKey(ACME, "users", tags), H, BigInteger.valueOf(own),
        BigInteger.valueOf(carried));
  }

  @Test
  void freezesOneReportPerBuyerDimensionHourWithTheCheckpointInTheSameCommit() {
    SendingAgent agent = agent();
    List<UsageReport> frozen = agent.freeze(List.of(usage(Tags.of("team", "red"), 3, 1),
        usage(Tags.of("team", "blue"), 5, 0)), 42);

    assertThat(frozen).singleElement().satisfies(r -> {
      assertThat(r.quantity()).isEqualTo(9);
      assertThat(r.carriedUnits()).isEqualTo(1);
      assertThat(r.allocations()).hasSize(2);
      assertThat(r.timestamp().getEpochSecond()).isEqualTo(H * 3600);
    });
    SendingAgent reopened = agent();
    assertThat(reopened.checkpoint()).isEqualTo(42);
    assertThat(reopened.unsettled()).hasSize(1);
  }

  @Test
  void sendsThroughTheReportSenderAndAReportLeftInFlightComesBackOutcomeUnknown() {
    SendingAgent agent = agent();
    agent.freeze(List.of(usage(Tags.NONE, 7, 0)), 1);
    aws.acceptButLoseResponse(1);
    agent.doWork();
    assertThat(aws.accepted()).hasSize(1);
    UsageReport afterLoss = agent.unsettled().firstEntry().getValue();
    assertThat(afterLoss.outcomeUnknown()).isTrue();

    SendingAgent restarted = agent();
    clock.advance(Duration.ofMinutes(5));
    restarted.doWork();

    assertThat(restarted.unsettled()).isEmpty();
    assertThat(restarted.counters().acceptedUnits()).isEqualTo(7);
    assertThat(aws.accepted()).as("the identical resend is deduplicated").hasSize(1);
    assertThat(aws.sent()).hasSize(2);
    assertThat(aws.sent().get(1).quantity()).isEqualTo(aws.sent().get(0).quantity());
  }

  @Test
  void aRefusedTimestampIsCarriedIntoThePoolWhichStaysUntilShippedWithTheSameGeneration() {
    SendingAgent agent = agent();
    agent.freeze(List.of(usage(Tags.NONE, 7, 0)), 1);
    aws.failNext(1, OutcomeClass.TIMESTAMP_OUT_OF_BOUNDS);
    agent.doWork();

    assertThat(agent.reports().firstEntry().getValue().state()).isEqualTo(ReportState.CARRIED);
    assertThat(agent.carryPool()).containsEntry(new UsageKey(ACME, "users"), BigInteger.valueOf(7));
    long generation = agent.carryGeneration();
    SendingAgent reopened = agent();
    assertThat(reopened.carryPool()).containsEntry(new UsageKey(ACME, "users"), BigInteger.valueOf(7));
    assertThat(reopened.carryGeneration()).as("the same shipment after a crash").isEqualTo(generation);

    reopened.carriesShipped(reopened.carryPool());

    assertThat(reopened.carryPool()).isEmpty();
    assertThat(reopened.carryGeneration()).isGreaterThan(generation);
    reopened.forget(reopened.reports().keySet());
    assertThat(agent().reports()).isEmpty();
    assertThat(agent().counters().carriedUnits()).isEqualTo(7);
  }
}
