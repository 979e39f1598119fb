package io.hourmeter.aws;

import static io.hourmeter.aws.Reports.PRODUCT;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.local.AcceptedRecord;
import io.hourmeter.local.Faults;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageAllocation;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The submitter over the real SDK and HTTP against the local endpoint: what goes on the wire, and resends. */
class AwsUsageSubmitterTest {

  private final MutableClock clock = MutableClock.atHour(493_000).advance(Duration.ofMinutes(75));
  private final Instant lastHour = Instant.ofEpochSecond((clock.epochHour() - 1) * 3600);
  private LocalMeteringEndpoint endpoint;
  private AwsUsageSubmitter submitter;

  @BeforeEach
  void start() {
    endpoint = LocalMeteringEndpoint.builder().product(PRODUCT, "users", "requests").clock(clock).build().start();
    submitter = LocalAws.submitterFor(endpoint).clock(clock).build();
  }

  @AfterEach
  void stop() {
    submitter.close();
    endpoint.close();
  }

  @Test
  void aReportIsAcceptedAndAwsStoresExactlyTheFrozenValues() {
    Map<String, String> tags = Map.of("team", "blue", "env", "prod");
    UsageReport report = Reports.hourly("users", lastHour, 7,
        List.of(new UsageAllocation(4, tags), new UsageAllocation(3, Map.of())));

    SubmitOutcome outcome = submitter.submit(report);

    assertThat(outcome.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
    AcceptedRecord stored = endpoint.accepted().get(0);
    assertThat(stored.recordId()).isEqualTo(outcome.meteringRecordId());
    assertThat(stored.productCode()).isEqualTo(PRODUCT);
    assertThat(stored.dimension()).isEqualTo("users");
    assertThat(stored.timestamp()).isEqualTo(lastHour);
    assertThat(stored.quantity()).isEqualTo(7);
    assertThat(stored.allocations()).containsExactly(new AcceptedRecord.Allocation(4, tags),
        new AcceptedRecord.Allocation(3, Map.of()));
    assertThat(stored.clientToken()).isNull();
  }

  @Test
  void hourlyReportsGoOutWithoutAnyClientTokenDespiteTheSdkFillingOneIn() {
    submitter.submit(Reports.hourly("users", lastHour, 5));

    assertThat(endpoint.requestBodies()).singleElement().asString().doesNotContain("ClientToken");
    assertThat(endpoint.accepted().get(0).clientToken()).isNull();
  }

  @Test
  void anIdenticalResendReturnsTheSameRecordIdFromByteIdenticalRequests() {
    UsageReport report = Reports.hourly("users", lastHour, 5,
        List.of(new UsageAllocation(5, Map.of("a", "1", "b", "2", "c", "3", "d", "4", "e", "5"))));

    SubmitOutcome first = submitter.submit(report);
    SubmitOutcome again = submitter.submit(report);

    assertThat(again.meteringRecordId()).isEqualTo(first.meteringRecordId());
    assertThat(endpoint.requestBodies()).hasSize(2);
    assertThat(endpoint.requestBodies().get(1)).isEqualTo(endpoint.requestBodies().get(0));
    assertThat(endpoint.accepted()).hasSize(1);
  }

  @Test
  void tagsGoOutSortedByKeyWhateverOrderTheReportHoldsThemIn() {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String key : List.of("zone", "app", "mode", "env", "cell")) {
      tags.put(key, key.toUpperCase(java.util.Locale.ROOT));
    }
    submitter.submit(Reports.hourly("users", lastHour, 1, List.of(new UsageAllocation(1, tags))));

    String body = endpoint.requestBodies().get(0);
    List<Integer> positions = List.of("app", "cell", "env", "mode", "zone").stream()
        .map(key -> body.indexOf("\"Key\":\"" + key + "\"")).toList();
    assertThat(positions).doesNotContain(-1).isSorted();
  }

  @Test
  void agentCoreReportsCarryTheirPersistedTokenVerbatim() {
    Instant cut = clock.instant().minusSeconds(20);
    submitter.submit(Reports.agentCore("users", cut, 3, "hm-9f2c-000100-000200"));

    assertThat(endpoint.accepted()).singleElement().satisfies(stored -> {
      assertThat(stored.clientToken()).isEqualTo("hm-9f2c-000100-000200");
      assertThat(stored.timestamp()).isEqualTo(cut);
    });
  }

  @Test
  void anAgentCoreTokenResentByANewSubmitterAfterARestartGetsTheSameRecordId() {
    UsageReport persisted = Reports.agentCore("users", clock.instant().minusSeconds(20), 3, "hm-restart-1");
    endpoint.faults().dropNextAfterRecord(1);
    SubmitOutcome beforeCrash = submitter.submit(persisted);
    submitter.close();

    try (AwsUsageSubmitter restarted = LocalAws.submitterFor(endpoint).clock(clock).build()) {
      SubmitOutcome afterRestart = restarted.submit(persisted);

      assertThat(beforeCrash.outcome()).isEqualTo(OutcomeClass.OUTCOME_UNKNOWN);
      assertThat(afterRestart.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
      assertThat(endpoint.accepted()).singleElement()
          .extracting(AcceptedRecord::recordId).isEqualTo(afterRestart.meteringRecordId());
    }
  }

  @ParameterizedTest(name = "dropped {0} recording")
  @ValueSource(strings = {"before", "after"})
  void aDroppedConnectionIsOutcomeUnknownAndTheIdenticalResendGetsTheOneRecord(String when) {
    UsageReport report = Reports.hourly("users", lastHour, 5);
    if (when.equals("before")) {
      endpoint.faults().dropBeforeRecordRate(1.0);
    } else {
      endpoint.faults().dropAfterRecordRate(1.0);
    }

    SubmitOutcome dropped = submitter.submit(report);
    int recordedWhileDropped = endpoint.accepted().size();
    endpoint.faults().clear();
    SubmitOutcome resent = submitter.submit(report);

    assertThat(dropped.outcome()).isEqualTo(OutcomeClass.OUTCOME_UNKNOWN);
    assertThat(recordedWhileDropped).isEqualTo(when.equals("before") ? 0 : 1);
    assertThat(resent.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
    assertThat(endpoint.accepted()).singleElement()
        .extracting(AcceptedRecord::recordId).isEqualTo(resent.meteringRecordId());
    assertThat(endpoint.requestBodies()).hasSize(2).allMatch(body -> body.equals(endpoint.requestBodies().get(0)));
  }

  @ParameterizedTest(name = "HTTP {0} after recording")
  @ValueSource(ints = {500, 502, 503, 504})
  void aGatewayErrorAfterTheServiceRecordedIsOutcomeUnknownAndTheIdenticalResendGetsTheOneRecord(int status) {
    UsageReport report = Reports.hourly("users", lastHour, 5);
    endpoint.faults().answerNext(new Faults.Answer(status, "text/html", "<html>" + status + "</html>", true));

    SubmitOutcome gatewayError = submitter.submit(report);
    int recordedBehindTheError = endpoint.accepted().size();
    SubmitOutcome resent = submitter.submit(report);

    assertThat(gatewayError.outcome()).isEqualTo(OutcomeClass.OUTCOME_UNKNOWN);
    assertThat(gatewayError.message()).contains("does not prove the request was rejected");
    assertThat(recordedBehindTheError).isEqualTo(1);
    assertThat(resent.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
    assertThat(endpoint.accepted()).singleElement()
        .extracting(AcceptedRecord::recordId).isEqualTo(resent.meteringRecordId());
  }

  @Test
  void neitherTheSdkNorTheJdkTransportResendsADroppedRequestOnItsOwn() {
    submitter.submit(Reports.hourly("requests", lastHour, 1));
    endpoint.faults().dropNextBeforeRecord(1);

    SubmitOutcome outcome = submitter.submit(Reports.hourly("users", lastHour, 5));

    assertThat(outcome.outcome()).isEqualTo(OutcomeClass.OUTCOME_UNKNOWN);
    assertThat(endpoint.counters().requests()).isEqualTo(2);
    assertThat(endpoint.counters().dropped()).isEqualTo(1);
  }

  @Test
  void throttlingIsNotRetriedByTheSdk() {
    endpoint.faults().throttleNext(1);

    SubmitOutcome outcome = submitter.submit(Reports.hourly("users", lastHour, 5));

    assertThat(outcome.outcome()).isEqualTo(OutcomeClass.RETRYABLE);
    assertThat(endpoint.counters().requests()).isEqualTo(1);
    assertThat(endpoint.accepted()).isEmpty();
  }

  @Test
  void aReadTimeoutIsOutcomeUnknown() {
    try (AwsUsageSubmitter impatient = AwsUsageSubmitter.builder()
        .region(Region.US_EAST_1)
        .credentialsProvider(LocalAws.credentials(LocalAws.ACCESS_KEY))
        .endpointOverride(endpoint.uri())
        .readTimeout(Duration.ofMillis(200))
        .build()) {
      endpoint.faults().latency(Duration.ofMillis(1500));

      SubmitOutcome outcome = impatient.submit(Reports.hourly("users", lastHour, 5));

      assertThat(outcome.outcome()).isEqualTo(OutcomeClass.OUTCOME_UNKNOWN);
    }
  }

  @Test
  void aRealSendAnsweredAsADryRunIsNeverTakenForAcceptance() {
    ExecutionInterceptor turnIntoDryRun = new ExecutionInterceptor() {
      @Override
      public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        return ((MeterUsageRequest) context.request()).toBuilder().dryRun(true).build();
      }
    };
    try (MarketplaceMeteringClient client = MarketplaceMeteringClient.builder()
            .region(Region.US_EAST_1)
            .credentialsProvider(LocalAws.credentials(LocalAws.ACCESS_KEY))
            .endpointOverride(endpoint.uri())
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(AwsUsageSubmitter.clientOverrides().addExecutionInterceptor(turnIntoDryRun).build())
            .build();
        AwsUsageSubmitter misrouted = AwsUsageSubmitter.builder().client(client).build()) {
      SubmitOutcome outcome = misrouted.submit(Reports.hourly("users", lastHour, 5));

      assertThat(outcome.outcome()).isEqualTo(OutcomeClass.RETRYABLE);
      assertThat(outcome.meteringRecordId()).isNull();
      assertThat(endpoint.accepted()).isEmpty();
    }
  }
}
