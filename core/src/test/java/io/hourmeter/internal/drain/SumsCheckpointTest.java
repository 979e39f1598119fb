package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static io.hourmeter.internal.drain.DrainerFixture.hourStart;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageKey;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint of sums: the open hours' partial sums and the journal position they cover go into the
 * ledger together, so a restart re-reads only what came after, and nothing is lost or counted twice.
 */
class SumsCheckpointTest {
  @TempDir
  Path dir;

  private static BigInteger open(LedgerState state, String dimension) {
    return state.openSums().getOrDefault(HOUR, Map.of()).getOrDefault(UsageKey.of(dimension), BigInteger.ZERO);
  }

  @Test
  void aRestartStartsFromTheCheckpointedSumsAndReadsOnlyTheRecordsAfterIt() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 5);
    f.drain();
    f.advance(HourlyAggregation.SUMS_CHECKPOINT_EVERY).drain();
    LedgerState checkpointed = f.ledger();
    assertThat(open(checkpointed, "users")).isEqualTo(BigInteger.valueOf(5));

    f.record("users", 3);
    f.crashAndRestart().drain();
    assertThat(f.drainer().status().pendingUnitsByHour().get(hourStart(HOUR)))
        .as("5 from the checkpoint and 3 read after it, not the hour re-read on top").containsEntry("users", 8L);

    f.run(Duration.ofMinutes(62));
    assertThat(f.reports(ReportState.ACCEPTED)).singleElement().satisfies(r -> assertThat(r.quantity()).isEqualTo(8));
    LedgerState after = f.ledger();
    assertThat(after.openSums()).as("the freeze dropped the hour's sums in its own commit").isEmpty();
    assertThat(after.hourUnits().get(HOUR)).containsEntry(UsageKey.of("users"), BigInteger.valueOf(8));
  }

  @Test
  void aCheckpointWritesOnlyTheSumsThatChanged() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 5);
    f.record("requests", 2);
    f.drain();
    f.advance(HourlyAggregation.SUMS_CHECKPOINT_EVERY).drain();
    List<Map<String, String>> commits = new ArrayList<>();
    f.hooked.beforeCommit = puts -> commits.add(Map.copyOf(puts));

    f.record("users", 1);
    f.advance(HourlyAggregation.SUMS_CHECKPOINT_EVERY).drain();

    assertThat(commits).singleElement().satisfies(puts -> {
      assertThat(puts.keySet().stream().filter(k -> k.startsWith(LedgerCodec.OPEN_PREFIX)))
          .containsExactly(LedgerCodec.openKey(HOUR, UsageKey.of("users")));
      assertThat(puts).containsEntry(LedgerCodec.openKey(HOUR, UsageKey.of("users")), "6")
          .containsKey(LedgerCodec.CHECKPOINT);
    });
  }

  @Test
  void checkpointsAreAtLeastAnIntervalApart() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 5);
    f.drain();
    List<Map<String, String>> commits = new ArrayList<>();
    f.hooked.beforeCommit = puts -> commits.add(Map.copyOf(puts));
    f.record("users", 1);
    f.advance(HourlyAggregation.SUMS_CHECKPOINT_EVERY.minusMillis(1)).drain();
    assertThat(commits).isEmpty();
    f.advance(Duration.ofMillis(1)).drain();
    assertThat(commits).hasSize(1);
  }

  @Test
  void closeCheckpointsWhatItReadSoTheNextStartReadsNothingAgain() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 5);
    f.drain();
    f.record("users", 4);
    f.meter.close();
    LedgerState closed = f.ledger();
    assertThat(open(closed, "users")).isEqualTo(BigInteger.valueOf(9));

    f.meter = f.build();
    f.run(Duration.ofMinutes(62));
    assertThat(f.reports(ReportState.ACCEPTED)).singleElement().satisfies(r -> assertThat(r.quantity()).isEqualTo(9));
  }

  @Test
  void aRestartedDrainerCheckpointsOnTopOfTheLoadedSums() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 5);
    f.meter.close();
    f.meter = f.build();
    f.record("users", 2);
    f.drain();
    f.advance(HourlyAggregation.SUMS_CHECKPOINT_EVERY).drain();
    assertThat(open(f.ledger(), "users")).isEqualTo(BigInteger.valueOf(7));
    f.crashAndRestart();
    f.record("gpus", 1);
    f.run(Duration.ofMinutes(62));
    assertThat(f.acceptedUnits("users")).isEqualTo(7);
    assertThat(f.acceptedUnits("gpus")).isEqualTo(1);
  }
}
