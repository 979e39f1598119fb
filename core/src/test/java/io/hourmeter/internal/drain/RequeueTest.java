package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static io.hourmeter.internal.drain.DrainerFixture.hourStart;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.CarryPolicy;
import io.hourmeter.ShutdownPolicy;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.RecordingUsageSubmitter.Accepted;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-queueing a dead letter never bills twice and never sends a second quantity for a reported hour:
 * an outcome-unknown letter stays outcome-unknown while its window is open and is refused after it
 * unless the operator asserts it was not billed; a letter whose hour already has a report is carried.
 */
class RequeueTest {
  private static final long MAX = Integer.MAX_VALUE;

  @TempDir
  Path dir;

  /** Rebuilds the meter with a submitter that fails as {@code failWith[0]} while it is not null. */
  private static OutcomeClass[] switchable(DrainerFixture f) {
    OutcomeClass[] failWith = {null};
    f.submitter = new HourlyDrainTest.ForwardingSubmitter(f.aws) {
      @Override
      public SubmitOutcome submit(UsageReport report) {
        OutcomeClass failure = failWith[0];
        return failure == null ? super.submit(report)
            : SubmitOutcome.failed(failure, failure.name(), "scripted " + failure);
      }
    };
    f.meter.close();
    f.meter = f.build();
    return failWith;
  }

  /**
   * 4 units whose first send AWS records but whose answer is lost (outcome unknown), sent after
   * {@code toFirstSend}; the next send, within {@code toSecondSend}, is refused as invalid: an
   * outcome-unknown dead letter that AWS holds. Returns the switch of {@link #switchable}.
   */
  private static OutcomeClass[] recordedButUnknownThenInvalid(DrainerFixture f, Duration toFirstSend,
      Duration toSecondSend) {
    OutcomeClass[] failWith = switchable(f);
    f.aws.acceptButLoseResponse(1);
    f.record("users", 4);
    f.run(toFirstSend);
    failWith[0] = OutcomeClass.INVALID_REPORT;
    f.run(toSecondSend);
    assertThat(f.reports(ReportState.DEAD_LETTERED)).singleElement().extracting(UsageReport::outcomeUnknown)
        .isEqualTo(true);
    return failWith;
  }

  private static UsageReport requeue(DrainerFixture f, boolean notBilled) {
    UsageReport letter = f.reports(ReportState.DEAD_LETTERED).get(0);
    RequeueRequests.request(f.directory, letter.id(), notBilled);
    f.run(RequeueRequests.EVERY.multipliedBy(2));
    return f.ledger().reports().get(letter.id());
  }

  @Test
  void aRequeuedOutcomeUnknownLetterStaysOutcomeUnknownAndIsNeverCarriedWhileItsWindowIsOpen() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    OutcomeClass[] failWith = recordedButUnknownThenInvalid(f, Duration.ofMinutes(61), Duration.ofMinutes(2));

    failWith[0] = OutcomeClass.RETRYABLE;
    UsageReport requeued = requeue(f, false);
    assertThat(requeued.state()).isEqualTo(ReportState.FROZEN);
    assertThat(requeued.outcomeUnknown()).isTrue();
    f.run(Duration.ofHours(4).plusMinutes(30));
    assertThat(f.reports(ReportState.CARRIED)).as("not carried at the carry deadline").isEmpty();

    failWith[0] = null;
    f.run(Duration.ofHours(2));

    assertThat(f.aws.accepted()).as("billed once").singleElement().extracting(Accepted::quantity).isEqualTo(4L);
    assertThat(f.ledger().reports().get(requeued.id()).state()).isEqualTo(ReportState.ACCEPTED);
  }

  @Test
  void aRequeuedOutcomeUnknownAgentCoreSubmissionIsNeverReCutUnderANewToken() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.agentCore());
    OutcomeClass[] failWith = recordedButUnknownThenInvalid(f, Duration.ofSeconds(10), Duration.ofSeconds(10));

    failWith[0] = OutcomeClass.RETRYABLE;
    requeue(f, false);
    f.run(Duration.ofHours(5).plusMinutes(45));
    failWith[0] = null;
    f.run(Duration.ofMinutes(5));

    assertThat(f.aws.accepted()).as("one submission, one token").singleElement()
        .extracting(Accepted::quantity).isEqualTo(4L);
    assertThat(f.aws.sent()).extracting(UsageReport::clientToken).containsOnly(f.aws.accepted().get(0).clientToken());
    assertThat(f.reports(ReportState.ACCEPTED)).hasSize(1);
  }

  @Test
  void aRequeuedOutcomeUnknownLetterPastItsWindowIsRefusedUnlessTheOperatorAssertsItWasNotBilled() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    OutcomeClass[] failWith = switchable(f);
    failWith[0] = OutcomeClass.OUTCOME_UNKNOWN;
    f.record("users", 4);
    f.run(Duration.ofMinutes(62));
    failWith[0] = OutcomeClass.RETRYABLE;
    f.run(Duration.ofHours(5));
    assertThat(f.reports(ReportState.DEAD_LETTERED)).singleElement().satisfies(r ->
        assertThat(r.reason()).startsWith(ReportSender.OUTCOME_UNKNOWN));
    failWith[0] = null;

    UsageReport refused = requeue(f, false);
    f.run(Duration.ofHours(2));

    assertThat(refused.state()).isEqualTo(ReportState.DEAD_LETTERED);
    assertThat(f.aws.accepted()).as("nothing billed without the operator's word").isEmpty();
    assertThat(f.alerts).anySatisfy(a -> assertThat(a.getMessage()).contains("refused"));

    UsageReport carried = requeue(f, true);
    f.run(Duration.ofHours(1));

    assertThat(carried.state()).isEqualTo(ReportState.CARRIED);
    assertThat(f.aws.accepted()).singleElement().satisfies(a -> {
      assertThat(a.quantity()).isEqualTo(4);
      assertThat(a.timestamp()).isAfter(hourStart(HOUR));
    });
    assertThat(f.meter.status().deadLetteredReports()).isZero();
  }

  @Test
  void aRequeuedLateLetterWhoseHourWasReportedIsCarriedIntoTheNextUnfrozenHour() {
    DrainerFixture f = new DrainerFixture(dir, b -> b.sendJitter(Duration.ZERO)
        .carryPolicy(CarryPolicy.DEAD_LETTER).shutdownPolicy(ShutdownPolicy.REPORT_PARTIAL_HOUR));
    f.advance(Duration.ofMinutes(20));
    f.record("users", 5);
    f.drain();
    f.meter.close();
    f.meter = f.build();
    f.record("users", 2);
    f.drain();
    assertThat(f.reports(ReportState.DEAD_LETTERED)).singleElement().satisfies(r -> {
      assertThat(r.reason()).startsWith("late");
      assertThat(r.timestamp()).isEqualTo(hourStart(HOUR));
    });

    UsageReport requeued = requeue(f, false);
    f.run(Duration.ofMinutes(40));
    f.record("users", 1);
    f.run(Duration.ofMinutes(65));

    assertThat(requeued.state()).isEqualTo(ReportState.CARRIED);
    assertThat(f.aws.sent()).as("no second quantity for the reported hour")
        .filteredOn(r -> r.timestamp().equals(hourStart(HOUR))).extracting(UsageReport::quantity).containsOnly(5L);
    assertThat(f.aws.accepted()).extracting(Accepted::timestamp, Accepted::quantity)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(hourStart(HOUR), 5L),
            org.assertj.core.groups.Tuple.tuple(hourStart(HOUR + 1), 3L));
    assertThat(f.reports(ReportState.DEAD_LETTERED)).isEmpty();
  }

  @Test
  void aRequeuedOverflowRemainderIsCarriedIntoTheNextHourUnderTheDeadLetterPolicy() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.deadLetterPolicy());
    f.record("users", 3_000_000_000L);
    f.run(Duration.ofMinutes(62));
    assertThat(f.reports(ReportState.DEAD_LETTERED)).singleElement().extracting(UsageReport::timestamp)
        .isEqualTo(hourStart(HOUR));

    UsageReport requeued = requeue(f, false);
    f.run(Duration.ofHours(1));

    assertThat(requeued.state()).isEqualTo(ReportState.CARRIED);
    assertThat(f.aws.accepted()).extracting(Accepted::quantity).containsExactly(MAX, 3_000_000_000L - MAX);
    assertThat(f.aws.accepted().get(1).timestamp()).isEqualTo(hourStart(HOUR + 1));
    assertThat(f.ledger().carryPool()).isEmpty();
    assertThat(f.ledger().hourUnits().get(HOUR)).containsEntry(io.hourmeter.spi.UsageKey.of("users"), BigInteger.valueOf(3_000_000_000L));
  }

  @Test
  void aRequeuedDuplicateRequestLetterIsCarriedNotResentIntoTheHourAwsHolds() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.aws.preRecord("users", hourStart(HOUR), 99);
    f.record("users", 5);
    f.run(Duration.ofMinutes(62));
    assertThat(f.reports(ReportState.DEAD_LETTERED)).singleElement().satisfies(r ->
        assertThat(r.reason()).startsWith(ReportSender.DUPLICATE_REQUEST));

    UsageReport requeued = requeue(f, false);
    f.run(Duration.ofHours(1));

    assertThat(requeued.state()).isEqualTo(ReportState.CARRIED);
    assertThat(f.aws.sent()).filteredOn(r -> r.timestamp().equals(hourStart(HOUR))).hasSize(1);
    assertThat(f.aws.accepted()).extracting(Accepted::timestamp, Accepted::quantity)
        .contains(org.assertj.core.groups.Tuple.tuple(hourStart(HOUR + 1), 5L));
  }

  @Test
  void ofTwoNeverSentLettersOfOneDimensionHourTheFirstIsResentInItAndTheSecondCarried() {
    java.time.Instant at = hourStart(HOUR).plus(Duration.ofHours(2));
    java.util.TreeMap<Long, UsageReport> reports = new java.util.TreeMap<>();
    for (long id = 1; id <= 2; id++) {
      reports.put(id, new UsageReport(id, "p", "users", HOUR, hourStart(HOUR), 3, java.util.List.of(), null, -1, -1,
          ReportState.FROZEN, 0, false, null, null, at).finish(ReportState.DEAD_LETTERED, "late", at));
    }
    java.util.Map<Long, Boolean> requests = new java.util.LinkedHashMap<>();
    requests.put(1L, false);
    requests.put(2L, false);

    var plan = RequeueRequests.plan(reports, requests, at, ReportWindow.withDefaultMargins(io.hourmeter.MeteringMode.HOURLY));

    assertThat(plan).extracting(RequeueRequests.Placement::action)
        .containsExactly(RequeueRequests.Action.RESEND, RequeueRequests.Action.CARRY);
    assertThat(plan.get(1).why()).contains("report 1");
  }
}
