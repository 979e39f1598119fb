package io.hourmeter.aws;

import static io.hourmeter.aws.Reports.PRODUCT;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageAllocation;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Reports that break a limit of the service model are INVALID_REPORT without a network call. */
class ReportLimitsTest {

  private static final MutableClock CLOCK = MutableClock.atHour(493_300).advance(Duration.ofMinutes(5));
  private static final Instant HOUR = Instant.ofEpochSecond((CLOCK.epochHour() - 1) * 3600);

  private LocalMeteringEndpoint endpoint;
  private AwsUsageSubmitter submitter;

  record Broken(String why, UsageReport report) {
    @Override
    public String toString() {
      return why;
    }
  }

  static Stream<Broken> brokenReports() {
    return Stream.of(
        new Broken("product code with a space", Reports.withProduct("prod abc", "users", HOUR, 1)),
        new Broken("empty product code", Reports.withProduct("", "users", HOUR, 1)),
        new Broken("product code of 256 characters", Reports.withProduct("p".repeat(256), "users", HOUR, 1)),
        new Broken("empty dimension", Reports.hourly("", HOUR, 1)),
        new Broken("dimension of 256 characters", Reports.hourly("d".repeat(256), HOUR, 1)),
        new Broken("2501 allocations", Reports.hourly("users", HOUR, 0, allocations(2501))),
        new Broken("six tags", Reports.hourly("users", HOUR, 1, List.of(new UsageAllocation(1,
            Map.of("a", "1", "b", "1", "c", "1", "d", "1", "e", "1", "f", "1"))))),
        new Broken("tag key with a brace", Reports.hourly("users", HOUR, 1,
            List.of(new UsageAllocation(1, Map.of("te{am", "a"))))),
        new Broken("tag key of 101 characters", Reports.hourly("users", HOUR, 1,
            List.of(new UsageAllocation(1, Map.of("k".repeat(101), "a"))))),
        new Broken("empty tag value", Reports.hourly("users", HOUR, 1, List.of(new UsageAllocation(1, Map.of("team", ""))))),
        new Broken("tag value of 257 characters", Reports.hourly("users", HOUR, 1,
            List.of(new UsageAllocation(1, Map.of("team", "v".repeat(257)))))),
        new Broken("allocations summing to less", Reports.hourly("users", HOUR, 5,
            List.of(new UsageAllocation(4, Map.of("team", "a"))))),
        new Broken("two allocations with one tag set", Reports.hourly("users", HOUR, 5,
            List.of(new UsageAllocation(2, Map.of("team", "a")), new UsageAllocation(3, Map.of("team", "a"))))),
        new Broken("allocation above int32", Reports.hourly("users", HOUR, UsageReport.MAX_QUANTITY,
            List.of(new UsageAllocation(UsageReport.MAX_QUANTITY + 1, Map.of("team", "a"))))));
  }

  private static List<UsageAllocation> allocations(int count) {
    List<UsageAllocation> allocations = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      allocations.add(new UsageAllocation(0, Map.of("bucket", "b" + i)));
    }
    return allocations;
  }

  @BeforeEach
  void start() {
    endpoint = LocalMeteringEndpoint.builder().product(PRODUCT, "users").clock(CLOCK).build().start();
    submitter = LocalAws.submitterFor(endpoint).build();
  }

  @AfterEach
  void stop() {
    submitter.close();
    endpoint.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenReports")
  void aReportBreakingAModelLimitIsInvalidWithoutANetworkCall(Broken broken) {
    SubmitOutcome outcome = submitter.submit(broken.report());

    assertThat(outcome.outcome()).isEqualTo(OutcomeClass.INVALID_REPORT);
    assertThat(outcome.errorCode()).isEqualTo("InvalidReport");
    assertThat(outcome.message()).isNotBlank();
    assertThat(endpoint.counters().requests()).isZero();
  }

  @Test
  void reportsAtEveryLimitAreSentAndAccepted() {
    List<UsageAllocation> most = new ArrayList<>(allocations(2499));
    most.add(new UsageAllocation(UsageReport.MAX_QUANTITY, Map.of("k".repeat(100), "v".repeat(256),
        "b", "2", "c", "3", "d", "4", "e", "+ -=._:/@")));

    SubmitOutcome outcome = submitter.submit(Reports.hourly("users", HOUR, UsageReport.MAX_QUANTITY, most));

    assertThat(outcome.outcome()).as(outcome.message()).isEqualTo(OutcomeClass.ACCEPTED);
    assertThat(endpoint.accepted().get(0).allocations()).hasSize(2500);
  }
}
