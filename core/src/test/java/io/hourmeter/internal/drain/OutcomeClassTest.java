package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static io.hourmeter.internal.drain.DrainerFixture.hourStart;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.HourmeterException;
import io.hourmeter.HourmeterException.Kind;
import io.hourmeter.MeterStatus.Sending;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.SendPermission;
import io.hourmeter.spi.UsageReport;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every outcome class maps to its transition of the report state machine. */
class OutcomeClassTest {
  @TempDir
  Path dir;

  private DrainerFixture hourReady(java.util.function.Consumer<io.hourmeter.MeterBuilder> options) {
    DrainerFixture f = new DrainerFixture(dir, options);
    f.record("users", 5);
    f.run(Duration.ofMinutes(60));
    return f;
  }

  private static boolean alerted(DrainerFixture f, Kind kind) {
    return f.alerts.stream().map(HourmeterException::kind).anyMatch(kind::equals);
  }

  @Test
  void acceptedIsFinalWithTheMeteringRecordId() {
    DrainerFixture f = hourReady(DrainerFixture.noJitter());
    f.run(Duration.ofMinutes(2));

    UsageReport report = f.reports(ReportState.ACCEPTED).get(0);
    assertThat(report.meteringRecordId()).isEqualTo(f.aws.accepted().get(0).recordId());
    assertThat(f.meter.status().acceptedReports()).isEqualTo(1);
    assertThat(f.meter.status().acceptedUnits()).isEqualTo(5);
    assertThat(f.meter.status().lastSuccess()).isNotNull();
  }

  @Test
  void retryableBacksOffKeepsTheReportAndResendsItUnchanged() {
    DrainerFixture f = hourReady(DrainerFixture.noJitter());
    f.aws.failNext(2, OutcomeClass.RETRYABLE);
    f.run(Duration.ofMinutes(1)).drain();

    assertThat(f.aws.sent()).hasSize(1);
    assertThat(f.reports(ReportState.FROZEN)).singleElement().extracting(UsageReport::outcomeUnknown).isEqualTo(false);
    assertThat(f.meter.status().sending()).isEqualTo(Sending.BACKING_OFF);
    assertThat(f.meter.status().consecutiveFailures()).isEqualTo(1);
    assertThat(alerted(f, Kind.SEND_RETRYABLE)).isTrue();

    f.run(Duration.ofMinutes(2));

    assertThat(f.aws.sent()).hasSize(3);
    assertThat(f.aws.sent()).extracting(HourlyDrainTest::wire).containsOnly(HourlyDrainTest.wire(f.aws.sent().get(0)));
    assertThat(f.reports(ReportState.ACCEPTED)).singleElement().extracting(UsageReport::attempts).isEqualTo(3);
    assertThat(f.meter.status().consecutiveFailures()).isZero();
  }

  @Test
  void outcomeUnknownIsRememberedAndResentUnchanged() {
    DrainerFixture f = hourReady(DrainerFixture.noJitter());
    f.aws.failNext(1, OutcomeClass.OUTCOME_UNKNOWN);
    f.run(Duration.ofMinutes(1));

    assertThat(f.reports(ReportState.FROZEN)).singleElement().extracting(UsageReport::outcomeUnknown).isEqualTo(true);
    f.run(Duration.ofMinutes(2));
    assertThat(f.reports(ReportState.ACCEPTED)).singleElement().extracting(UsageReport::outcomeUnknown).isEqualTo(true);
  }

  @Test
  void duplicateRequestIsDeadLetteredWithAnAlertAndNeverResentWithAnotherQuantity() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.aws.preRecord("users", hourStart(HOUR), 99);
    f.record("users", 5);
    f.run(Duration.ofMinutes(70));

    assertThat(f.aws.sent()).singleElement().extracting(UsageReport::quantity).isEqualTo(5L);
    assertThat(f.reports(ReportState.DEAD_LETTERED)).singleElement().satisfies(r ->
        assertThat(r.reason()).startsWith("DuplicateRequest"));
    assertThat(alerted(f, Kind.DUPLICATE_HOUR)).isTrue();
    assertThat(f.ledger().carryPool()).as("never carried: the 99 may include ours").isEmpty();
    f.run(Duration.ofHours(2));
    assertThat(f.aws.sent()).hasSize(1);
  }

  /** 5 units of HOUR in the carry pool (TimestampOutOfBounds), and HOUR + 1 already holds 99 at AWS. */
  private DrainerFixture fiveCarriedAndTheNextHourMeteredElsewhere() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.aws.failNext(1, OutcomeClass.TIMESTAMP_OUT_OF_BOUNDS);
    f.record("users", 5);
    f.run(Duration.ofMinutes(62));
    f.aws.preRecord("users", hourStart(HOUR + 1), 99);
    return f;
  }

  @Test
  void duplicateRequestReturnsTheCarriedUnitsToTheCarryPoolAndDeadLettersOnlyTheHoursOwnUnits() {
    DrainerFixture f = fiveCarriedAndTheNextHourMeteredElsewhere();
    assertThat(f.ledger().carryPool()).containsEntry(io.hourmeter.spi.UsageKey.of("users"), java.math.BigInteger.valueOf(5));
    f.record("users", 1);
    f.run(Duration.ofMinutes(60));

    assertThat(f.aws.sent()).extracting(UsageReport::timestamp, UsageReport::quantity)
        .contains(org.assertj.core.groups.Tuple.tuple(hourStart(HOUR + 1), 6L));
    assertThat(f.reports(ReportState.DEAD_LETTERED)).singleElement().satisfies(r -> {
      assertThat(r.reason()).startsWith("DuplicateRequest");
      assertThat(r.quantity()).as("only the hour's own units").isEqualTo(1);
    });
    assertThat(f.meter.status().deadLetteredUnits()).isEqualTo(1);

    f.run(Duration.ofHours(1));

    assertThat(f.aws.accepted()).filteredOn(a -> a.timestamp().equals(hourStart(HOUR + 2))).singleElement()
        .extracting(a -> a.quantity()).isEqualTo(5L);
    assertThat(f.ledger().carryPool()).isEmpty();
  }

  @Test
  void duplicateRequestOnAReportOfCarriedUnitsOnlyCarriesThemAllOn() {
    DrainerFixture f = fiveCarriedAndTheNextHourMeteredElsewhere();
    f.run(Duration.ofMinutes(60));

    assertThat(f.reports(ReportState.DEAD_LETTERED)).isEmpty();
    assertThat(f.reports(ReportState.CARRIED)).extracting(UsageReport::timestamp)
        .containsExactly(hourStart(HOUR), hourStart(HOUR + 1));
    f.run(Duration.ofHours(1));
    assertThat(f.aws.accepted()).filteredOn(a -> a.timestamp().equals(hourStart(HOUR + 2))).singleElement()
        .extracting(a -> a.quantity()).isEqualTo(5L);
    assertThat(f.meter.status().deadLetteredUnits()).isZero();
  }

  @Test
  void idempotencyConflictIsDeadLetteredAsABugAndNeverResentWithANewToken() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.agentCore());
    f.aws.failNext(1, OutcomeClass.IDEMPOTENCY_CONFLICT);
    f.record("users", 5);
    f.run(Duration.ofMinutes(10));

    assertThat(f.aws.sent()).singleElement().extracting(UsageReport::clientToken).isNotNull();
    assertThat(f.reports(ReportState.DEAD_LETTERED)).singleElement().satisfies(r ->
        assertThat(r.reason()).startsWith("IdempotencyConflict"));
    assertThat(alerted(f, Kind.IDEMPOTENCY_CONFLICT)).isTrue();
  }

  @Test
  void timestampOutOfBoundsCarriesTheQuantityIntoTheNextHour() {
    DrainerFixture f = hourReady(DrainerFixture.noJitter());
    f.aws.failNext(1, OutcomeClass.TIMESTAMP_OUT_OF_BOUNDS);
    f.run(Duration.ofMinutes(2));
    assertThat(f.reports(ReportState.CARRIED)).singleElement().extracting(UsageReport::quantity).isEqualTo(5L);
    assertThat(f.ledger().carryPool()).containsEntry(io.hourmeter.spi.UsageKey.of("users"), java.math.BigInteger.valueOf(5));

    f.record("users", 1);
    f.run(Duration.ofHours(1));

    assertThat(f.aws.accepted()).singleElement().satisfies(a -> {
      assertThat(a.timestamp()).isEqualTo(hourStart(HOUR + 1));
      assertThat(a.quantity()).isEqualTo(6);
    });
    assertThat(f.meter.status().carriedUnits()).isEqualTo(5);
  }

  @Test
  void timestampOutOfBoundsIsDeadLetteredUnderTheDeadLetterPolicy() {
    DrainerFixture f = hourReady(DrainerFixture.deadLetterPolicy());
    f.aws.failNext(1, OutcomeClass.TIMESTAMP_OUT_OF_BOUNDS);
    f.run(Duration.ofMinutes(2));

    assertThat(f.reports(ReportState.DEAD_LETTERED)).singleElement().satisfies(r ->
        assertThat(r.reason()).startsWith("TimestampOutOfBounds"));
    assertThat(f.ledger().carryPool()).isEmpty();
    assertThat(f.meter.status().deadLetteredUnits()).isEqualTo(5);
  }

  @Test
  void invalidDimensionQuarantinesThatDimensionOnly() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.aws.failNext(1, OutcomeClass.INVALID_DIMENSION);
    f.record("gpus", 2);
    f.record("users", 5);
    f.run(Duration.ofMinutes(65));

    assertThat(f.ledger().quarantined()).containsOnlyKeys("gpus");
    assertThat(f.acceptedUnits("users")).isEqualTo(5);
    assertThat(f.meter.status().quarantinedDimensions()).containsExactly("gpus");
    assertThat(alerted(f, Kind.DIMENSION_QUARANTINED)).isTrue();

    f.record("gpus", 3);
    f.record("users", 1);
    f.run(Duration.ofHours(1));

    assertThat(f.aws.sent()).filteredOn(r -> r.dimension().equals("gpus")).hasSize(1);
    assertThat(f.reports(ReportState.DEAD_LETTERED)).extracting(UsageReport::quantity).containsExactlyInAnyOrder(2L, 3L);
    assertThat(f.acceptedUnits("users")).isEqualTo(6);
  }

  @Test
  void invalidReportIsDeadLettered() {
    DrainerFixture f = hourReady(DrainerFixture.noJitter());
    f.aws.failNext(1, OutcomeClass.INVALID_REPORT);
    f.run(Duration.ofMinutes(2));

    assertThat(f.reports(ReportState.DEAD_LETTERED)).singleElement().satisfies(r ->
        assertThat(r.reason()).startsWith("InvalidReport"));
    assertThat(alerted(f, Kind.DEAD_LETTER)).isTrue();
  }

  @Test
  void configurationErrorSuspendsSendingKeepsJournalingAndRetriesSlowly() {
    DrainerFixture f = hourReady(DrainerFixture.noJitter());
    f.aws.failNext(1, OutcomeClass.CONFIGURATION);
    f.run(Duration.ofMinutes(2));

    assertThat(f.meter.status().sending()).isEqualTo(Sending.SUSPENDED_CONFIGURATION);
    assertThat(f.reports(ReportState.FROZEN)).hasSize(1);
    assertThat(alerted(f, Kind.CONFIGURATION)).isTrue();
    f.record("users", 1);
    f.run(Duration.ofMinutes(2));
    assertThat(f.aws.sent()).hasSize(1);

    f.run(ReportSender.SUSPENSION);

    assertThat(f.aws.accepted()).hasSize(1);
    assertThat(f.meter.status().sending()).isEqualTo(Sending.ACTIVE);
  }

  @Test
  void notEntitledSuspendsSendingAndChecksAgainSlowly() {
    DrainerFixture f = hourReady(DrainerFixture.noJitter());
    f.aws.failNext(2, OutcomeClass.NOT_ENTITLED);
    f.run(Duration.ofMinutes(2));

    assertThat(f.meter.status().sending()).isEqualTo(Sending.SUSPENDED_NOT_ENTITLED);
    assertThat(alerted(f, Kind.NOT_ENTITLED)).isTrue();
    f.run(ReportSender.SUSPENSION);
    assertThat(f.aws.sent()).hasSize(2);
    f.run(ReportSender.SUSPENSION);
    assertThat(f.aws.accepted()).hasSize(1);
  }

  @Test
  void aRefusedPermissionDelaysTheSendWithoutChangingTheReport() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    int[] refusals = {3};
    f.submitter = new HourlyDrainTest.ForwardingSubmitter(f.aws) {
      @Override
      public SendPermission tryAcquirePermission() {
        return refusals[0]-- > 0 ? SendPermission.deny(Duration.ofMinutes(1), "circuit open") : SendPermission.allow();
      }
    };
    f.meter.close();
    f.meter = f.build();
    f.record("users", 5);
    f.run(Duration.ofMinutes(61));
    f.drain();
    assertThat(f.aws.sent()).isEmpty();
    assertThat(f.meter.status().sending()).isEqualTo(Sending.BACKING_OFF);
    assertThat(f.reports(ReportState.FROZEN)).hasSize(1);

    f.run(Duration.ofMinutes(4));

    assertThat(f.aws.accepted()).hasSize(1);
  }

  @Test
  void anOperatorReQueuesADeadLetterAndItIsSentUnchanged() {
    DrainerFixture f = hourReady(DrainerFixture.noJitter());
    f.aws.failNext(1, OutcomeClass.INVALID_REPORT);
    f.run(Duration.ofMinutes(2));
    UsageReport letter = f.reports(ReportState.DEAD_LETTERED).get(0);

    RequeueRequests.request(f.directory, letter.id(), false);
    f.run(Duration.ofSeconds(10));

    assertThat(f.aws.accepted()).singleElement().extracting(a -> a.quantity()).isEqualTo(5L);
    assertThat(f.reports(ReportState.ACCEPTED)).singleElement().extracting(UsageReport::id).isEqualTo(letter.id());
    assertThat(f.meter.status().deadLetteredReports()).isZero();
  }
}
