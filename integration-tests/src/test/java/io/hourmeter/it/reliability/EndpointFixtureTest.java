package io.hourmeter.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Buyer;
import io.hourmeter.MeteringMode;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.spi.UsageSubmitter;
import io.hourmeter.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The harness reads what the endpoint saw correctly: bodies parsed (BatchMeterUsage ones record by
 * record), our records and foreign ones told apart, SaaS records keyed by the buyer they name.
 */
class EndpointFixtureTest {
  private static final long HOUR = 490_000;

  @Test
  void requestsAreParsedFromTheEndpointsRequestLogAndPreRecordsAreMarkedForeign() {
    MutableClock clock = MutableClock.atHour(HOUR + 1);
    try (EndpointFixture endpoint = new EndpointFixture(clock, "users", "requests");
         UsageSubmitter submitter = ScaledMeter.submitter(endpoint.uri(), clock)) {
      endpoint.preRecord("requests", Instant.ofEpochSecond(HOUR * 3600), 99);
      SubmitOutcome ours = submitter.submit(report("users", HOUR, 42, null));
      SubmitOutcome taken = submitter.submit(report("requests", HOUR, 41, null));
      SubmitOutcome token = submitter.submit(report("users", HOUR, 7, "tok-abc"));

      assertThat(ours.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
      assertThat(taken.outcome()).isEqualTo(OutcomeClass.DUPLICATE_REQUEST);
      assertThat(token.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
      assertThat(endpoint.requests()).containsExactly(
          new WireRequest("users", Instant.ofEpochSecond(HOUR * 3600), 42, null, null, false),
          new WireRequest("requests", Instant.ofEpochSecond(HOUR * 3600), 41, null, null, false),
          new WireRequest("users", Instant.ofEpochSecond(HOUR * 3600), 7, "tok-abc", null, false));
      List<AcceptedRecord> accepted = endpoint.accepted();
      assertThat(accepted).extracting(AcceptedRecord::dimension, AcceptedRecord::quantity, AcceptedRecord::foreign)
          .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("requests", 99L, true),
              org.assertj.core.groups.Tuple.tuple("users", 42L, false),
              org.assertj.core.groups.Tuple.tuple("users", 7L, false));
      assertThat(endpoint.rejected()).isEqualTo(1);
    }
  }

  @Test
  void batchRecordsAreParsedOneByOneAndCountUnderTheBuyerTheyNameOnTheWire() {
    MutableClock clock = MutableClock.atHour(HOUR + 1);
    Buyer licensed = Buyer.of("123456789012", "arn:aws:license-manager::123456789012:license/l-one");
    Buyer sameAccount = Buyer.ofAccount("123456789012");
    Buyer legacy = Buyer.ofCustomerIdentifier("cust-1");
    Buyer stranger = Buyer.of("123456789012", "arn:aws:license-manager::123456789012:license/l-two");
    try (EndpointFixture endpoint = new EndpointFixture(clock, List.of(licensed, sameAccount, legacy), "users");
         UsageSubmitter submitter = ScaledMeter.submitter(endpoint.uri(), clock, MeteringMode.SAAS)) {
      // One account's buyers go in separate calls (the reply names records without their LicenseArn).
      List<SubmitOutcome> outcomes = new java.util.ArrayList<>(submitter.submitAll(List.of(saas(1, licensed, 5),
          saas(3, legacy, 7))));
      outcomes.addAll(submitter.submitAll(List.of(saas(2, sameAccount, 6))));
      outcomes.addAll(submitter.submitAll(List.of(saas(4, stranger, 8))));

      assertThat(outcomes).extracting(SubmitOutcome::outcome).containsExactly(OutcomeClass.ACCEPTED,
          OutcomeClass.ACCEPTED, OutcomeClass.ACCEPTED, OutcomeClass.CUSTOMER_NOT_SUBSCRIBED);
      Instant at = Instant.ofEpochSecond(HOUR * 3600);
      assertThat(endpoint.requests()).containsExactly(
          new WireRequest(Keys.of(licensed, "users"), at, 5, null, null, false),
          new WireRequest(Keys.of(legacy, "users"), at, 7, null, null, false),
          new WireRequest(Keys.of(sameAccount, "users"), at, 6, null, null, false),
          new WireRequest(Keys.of(stranger, "users"), at, 8, null, null, false));
      assertThat(endpoint.accepted()).extracting(AcceptedRecord::key, AcceptedRecord::quantity)
          .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(licensed.key() + "|users", 5L),
              org.assertj.core.groups.Tuple.tuple("acct:123456789012|users", 6L),
              org.assertj.core.groups.Tuple.tuple("id:cust-1|users", 7L));
      assertThat(endpoint.requestLogComplete()).isTrue();
    }
  }

  @Test
  void usageRecordsAreSplitByBraceDepthMindingStrings() {
    String body = "{\"ProductCode\":\"p\",\"UsageRecords\":[{\"Dimension\":\"a{\\\"}\",\"Quantity\":1,"
        + "\"UsageAllocations\":[{\"AllocatedUsageQuantity\":1,\"Tags\":[{\"Key\":\"k\",\"Value\":\"]\"}]}]},"
        + "{\"Dimension\":\"b\",\"Quantity\":2}]}";
    assertThat(EndpointFixture.usageRecords(body)).containsExactly(
        "{\"Dimension\":\"a{\\\"}\",\"Quantity\":1,\"UsageAllocations\":[{\"AllocatedUsageQuantity\":1,"
            + "\"Tags\":[{\"Key\":\"k\",\"Value\":\"]\"}]}]}",
        "{\"Dimension\":\"b\",\"Quantity\":2}");
  }

  private static UsageReport saas(long id, Buyer buyer, long quantity) {
    Instant at = Instant.ofEpochSecond(HOUR * 3600);
    return new UsageReport(id, ScaledMeter.PRODUCT, "users", HOUR, at, quantity, List.of(), null, -1, -1,
        ReportState.IN_FLIGHT, 1, false, null, null, at.plus(Duration.ofMinutes(61)), 0, buyer);
  }

  private static UsageReport report(String dimension, long hour, long quantity, String token) {
    Instant at = Instant.ofEpochSecond(hour * 3600);
    return new UsageReport(1, ScaledMeter.PRODUCT, dimension, hour, at, quantity, List.of(), token,
        token == null ? -1 : 0, token == null ? -1 : 10, ReportState.IN_FLIGHT, 1, false, null, null,
        at.plus(Duration.ofMinutes(61)));
  }
}
