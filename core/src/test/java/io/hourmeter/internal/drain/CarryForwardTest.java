package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static io.hourmeter.internal.drain.DrainerFixture.hourStart;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.RecordingUsageSubmitter.Accepted;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage that cannot go in its own hour goes into the next unfrozen one: never lost, never doubled. */
class CarryForwardTest {
  private static final long MAX = Integer.MAX_VALUE;

  @TempDir
  Path dir;

  @Test
  void usageRecordedForAnAlreadyReportedHourIsCarriedIntoTheNextHour() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.partialHour());
    f.advance(Duration.ofMinutes(20));
    f.record("users", 5);
    f.drain();
    f.meter.close();
    assertThat(f.aws.accepted()).singleElement().extracting(Accepted::quantity).isEqualTo(5L);

    f.meter = f.build();
    f.record("users", 2);
    f.run(Duration.ofMinutes(45));
    f.record("users", 1);
    f.run(Duration.ofHours(1));

    assertThat(f.aws.accepted()).extracting(Accepted::timestamp)
        .containsExactly(hourStart(HOUR), hourStart(HOUR + 1));
    assertThat(f.aws.accepted().get(1).quantity()).isEqualTo(3);
    assertThat(f.meter.status().carriedUnits()).isEqualTo(2);
    assertThat(f.ledger().hourUnits().get(HOUR)).containsEntry(io.hourmeter.spi.UsageKey.of("users"), BigInteger.valueOf(7));
  }

  @Test
  void anHourNotSentBeforeItsDeadlineIsCarriedAheadOfTheWindow() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 4);
    f.aws.failNext(1000, OutcomeClass.RETRYABLE);
    f.run(Duration.ofHours(6));

    UsageReport carried = f.reports(ReportState.CARRIED).get(0);
    assertThat(carried.updatedAt()).as("decided before hour start + 6 h - deadlineMargin")
        .isBeforeOrEqualTo(hourStart(HOUR).plus(Duration.ofMinutes(331)));
    assertThat(f.reports(ReportState.FROZEN)).as("the carried units went into the next closed hour")
        .singleElement().satisfies(r -> {
          assertThat(r.quantity()).isEqualTo(4);
          assertThat(r.epochHour()).isGreaterThan(HOUR);
        });

    clearFailures(f);
    f.run(Duration.ofHours(2));

    assertThat(f.acceptedUnits("users")).isEqualTo(4);
    assertThat(f.aws.accepted()).singleElement().extracting(Accepted::timestamp).isNotEqualTo(hourStart(HOUR));
  }

  private static void clearFailures(DrainerFixture f) {
    while (f.aws.submit(new UsageReport(0, "prod-x", "users", 0, hourStart(0), 0, java.util.List.of(), null, -1, -1,
        ReportState.IN_FLIGHT, 1, false, null, null, hourStart(0))).outcome() == OutcomeClass.RETRYABLE) {
      // drain the scripted failures
    }
  }

  @Test
  void aQuantityOverInt32IsSentAsTheMaximumAndTheRestCarried() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 3_000_000_000L);
    f.run(Duration.ofMinutes(62));

    assertThat(f.aws.accepted()).singleElement().extracting(Accepted::quantity).isEqualTo(MAX);
    assertThat(f.ledger().carryPool()).containsEntry(io.hourmeter.spi.UsageKey.of("users"), BigInteger.valueOf(3_000_000_000L - MAX));

    f.run(Duration.ofHours(1));

    assertThat(f.acceptedUnits("users")).isEqualTo(3_000_000_000L);
    assertThat(f.aws.accepted().get(1).timestamp()).isEqualTo(hourStart(HOUR + 1));
    assertThat(f.ledger().carryPool()).isEmpty();
  }

  @Test
  void sumsNeverWrapPastLongMax() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", Long.MAX_VALUE);
    f.record("users", Long.MAX_VALUE);
    f.record("users", 10);
    f.run(Duration.ofMinutes(62));

    BigInteger recorded = BigInteger.valueOf(Long.MAX_VALUE).shiftLeft(1).add(BigInteger.TEN);
    assertThat(f.aws.accepted()).singleElement().extracting(Accepted::quantity).isEqualTo(MAX);
    assertThat(f.ledger().carryPool().get(io.hourmeter.spi.UsageKey.of("users"))).isEqualTo(recorded.subtract(BigInteger.valueOf(MAX)));
    assertThat(f.ledger().hourUnits().get(HOUR)).containsEntry(io.hourmeter.spi.UsageKey.of("users"), recorded);
  }

  @Test
  void theDeadLetterPolicyDeadLettersWhatWouldBeCarried() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.deadLetterPolicy());
    f.record("users", 3_000_000_000L);
    f.run(Duration.ofMinutes(62));

    assertThat(f.aws.accepted()).singleElement().extracting(Accepted::quantity).isEqualTo(MAX);
    assertThat(f.reports(ReportState.DEAD_LETTERED)).singleElement().satisfies(r -> {
      assertThat(r.quantity()).isEqualTo(3_000_000_000L - MAX);
      assertThat(r.reason()).contains("over");
    });
    assertThat(f.ledger().carryPool()).isEmpty();
  }

  @Test
  void aCarryPoolIsReportedInTheNextClosedHourEvenWithoutNewUsage() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 5);
    f.aws.failNext(1, OutcomeClass.TIMESTAMP_OUT_OF_BOUNDS);
    f.run(Duration.ofMinutes(62));
    assertThat(f.ledger().carryPool()).containsEntry(io.hourmeter.spi.UsageKey.of("users"), BigInteger.valueOf(5));

    f.run(Duration.ofHours(1));

    assertThat(f.aws.accepted()).singleElement().satisfies(a -> {
      assertThat(a.quantity()).isEqualTo(5);
      assertThat(a.timestamp()).isEqualTo(hourStart(HOUR + 1));
    });
  }
}
