package io.hourmeter.internal.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.RecordingUsageSubmitter.Accepted;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCoreDrainTest {
  @TempDir
  Path dir;

  @Test
  void usageIsCutEveryIntervalWithAPersistedTokenOfAtMost64Characters() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.agentCore());
    f.drain();
    f.record("users", 3);
    f.record("requests", 2);
    f.advance(Duration.ofSeconds(4)).drain();
    assertThat(f.aws.sent()).as("the 5 s cut interval has not passed").isEmpty();

    f.advance(Duration.ofSeconds(1)).drain();
    f.record("users", 4);
    f.advance(Duration.ofSeconds(5)).drain();

    assertThat(f.aws.accepted()).extracting(Accepted::dimension, Accepted::quantity).containsExactly(
        org.assertj.core.groups.Tuple.tuple("requests", 2L), org.assertj.core.groups.Tuple.tuple("users", 3L),
        org.assertj.core.groups.Tuple.tuple("users", 4L));
    assertThat(f.aws.accepted()).extracting(Accepted::clientToken).doesNotHaveDuplicates()
        .allSatisfy(t -> assertThat(t).hasSizeLessThanOrEqualTo(64).startsWith("hm1-"));
    assertThat(f.ledger().reports().values()).extracting(UsageReport::clientToken)
        .containsExactlyInAnyOrderElementsOf(f.aws.accepted().stream().map(Accepted::clientToken).toList());
  }

  @Test
  void aCutHappensAsSoonAsADimensionReachesTheCutUnits() {
    DrainerFixture f = new DrainerFixture(dir, b -> DrainerFixture.agentCore().accept(b.agentCoreCutUnits(100)));
    f.drain();
    f.record("users", 60);
    f.drain();
    assertThat(f.aws.sent()).isEmpty();
    f.record("users", 50);
    f.drain();

    assertThat(f.aws.accepted()).singleElement().extracting(Accepted::quantity).isEqualTo(110L);
  }

  @Test
  void tokensAreStableAcrossRestartsAndEveryResendReusesThem() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.agentCore());
    f.submitter = new HourlyDrainTest.ForwardingSubmitter(f.aws) {
      @Override
      public SubmitOutcome submit(UsageReport report) {
        throw new RecoveryTest.Crash();
      }
    };
    f.meter.close();
    f.meter = f.build();
    f.drain();
    f.record("users", 7);
    f.advance(Duration.ofSeconds(6));
    f.drain(); // the step ends mid-send; crashAndRestart() below is the process death
    String token = f.ledger().reports().firstEntry().getValue().clientToken();
    f.submitter = f.aws;
    f.aws.failNext(1, OutcomeClass.OUTCOME_UNKNOWN);
    f.crashAndRestart();
    f.run(Duration.ofMinutes(2));
    f.crashAndRestart();
    f.run(Duration.ofMinutes(1));

    assertThat(f.aws.sent()).hasSize(2).extracting(UsageReport::clientToken).containsOnly(token);
    assertThat(f.aws.accepted()).singleElement().extracting(Accepted::clientToken).isEqualTo(token);
    assertThat(f.reports(ReportState.ACCEPTED)).singleElement().extracting(UsageReport::clientToken).isEqualTo(token);
  }

  @Test
  void tokensDependOnTheJournalIdTheRangeAndTheDimension() {
    String a = ClientTokens.derive("journal-a", 10, 20, "users", 1);
    assertThat(a).hasSize(56);
    assertThat(ClientTokens.derive("journal-a", 10, 20, "users", 1)).isEqualTo(a);
    assertThat(ClientTokens.derive("journal-b", 10, 20, "users", 1)).isNotEqualTo(a);
    assertThat(ClientTokens.derive("journal-a", 10, 21, "users", 1)).isNotEqualTo(a);
    assertThat(ClientTokens.derive("journal-a", 11, 20, "users", 1)).isNotEqualTo(a);
    assertThat(ClientTokens.derive("journal-a", 10, 20, "requests", 1)).isNotEqualTo(a);
    assertThat(ClientTokens.derive("journal-a", 10, 20, "users", 2)).isNotEqualTo(a);
  }

  @Test
  void contiguousRangesCoverEveryRecordOnce() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.agentCore());
    f.drain();
    long total = 0;
    for (int i = 1; i <= 40; i++) {
      f.record("users", i);
      total += i;
      f.advance(Duration.ofSeconds(2)).drain();
      if (i % 7 == 0) {
        f.crashAndRestart().drain();
      }
    }
    f.run(Duration.ofMinutes(1));

    assertThat(f.acceptedUnits("users")).isEqualTo(total);
    var ranges = f.ledger().reports().values().stream().map(r -> new long[] {r.rangeStart(), r.rangeEnd()}).toList();
    for (int i = 1; i < ranges.size(); i++) {
      assertThat(ranges.get(i)[0]).isEqualTo(ranges.get(i - 1)[1]);
    }
  }

  @Test
  void aSubmissionCutBeforeTheClockWentBackWaitsUntilItsTimestampHasPassed() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.agentCore());
    f.drain();
    f.record("users", 5);
    f.aws.failNext(1, OutcomeClass.RETRYABLE);
    f.advance(Duration.ofSeconds(6)).drain();
    java.time.Instant cut = f.ledger().reports().firstEntry().getValue().timestamp();
    f.crashAndRestart();
    f.clock.set(cut.minus(Duration.ofMinutes(20)));
    f.run(Duration.ofMinutes(19));

    assertThat(f.aws.sent()).as("only the first, failed attempt; nothing with a future Timestamp").hasSize(1);
    f.run(Duration.ofMinutes(2));

    assertThat(f.aws.accepted()).singleElement().satisfies(a -> {
      assertThat(a.quantity()).isEqualTo(5);
      assertThat(a.timestamp()).isEqualTo(cut);
    });
    assertThat(f.meter.status().carriedUnits()).isZero();
  }
}
