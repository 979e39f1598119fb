package io.hourmeter.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

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

/** The harness reads what the endpoint saw correctly: bodies parsed, our records and foreign ones told apart. */
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

  private static UsageReport report(String dimension, long hour, long quantity, String token) {
    Instant at = Instant.ofEpochSecond(hour * 3600);
    return new UsageReport(1, ScaledMeter.PRODUCT, dimension, hour, at, quantity, List.of(), token,
        token == null ? -1 : 0, token == null ? -1 : 10, ReportState.IN_FLIGHT, 1, false, null, null,
        at.plus(Duration.ofMinutes(61)));
  }
}
