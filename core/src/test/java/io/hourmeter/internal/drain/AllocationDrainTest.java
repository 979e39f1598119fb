package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.Dimension;
import io.hourmeter.Tags;
import io.hourmeter.spi.UsageAllocation;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.testing.RecordingUsageSubmitter.Accepted;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage recorded on allocation handles: one report per dimension-hour, one allocation per tag set. */
class AllocationDrainTest {
  private static final long MAX = Integer.MAX_VALUE;
  private static final Tags BLUE = Tags.of("team", "blue");
  private static final Tags RED = Tags.of("team", "red", "env", "prod");

  @TempDir
  Path dir;

  @Test
  void aReportCarriesOneAllocationPerTagSetSortedAndSummingToItsQuantity() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    Dimension users = f.meter.dimension("users");
    Dimension blue = users.allocation(BLUE);
    Dimension red = users.allocation(RED);
    blue.record(3);
    red.record(4);
    users.record(2);
    blue.record(1);
    f.run(Duration.ofMinutes(62));

    Accepted sent = f.aws.accepted().get(0);
    assertThat(f.aws.accepted()).hasSize(1);
    assertThat(sent.quantity()).isEqualTo(10);
    assertThat(sent.allocations()).containsExactly(
        new UsageAllocation(2, Map.of()),
        new UsageAllocation(4, RED.asMap()),
        new UsageAllocation(4, BLUE.asMap()));
    assertThat(f.ledger().hourUnits().get(HOUR))
        .containsEntry(new UsageKey(null, "users", BLUE), BigInteger.valueOf(4))
        .containsEntry(UsageKey.of("users"), BigInteger.valueOf(2));
  }

  @Test
  void untaggedUsageAloneIsSentWithoutAllocations() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.meter.dimension("users").record(5);
    f.run(Duration.ofMinutes(62));
    assertThat(f.aws.accepted()).singleElement().satisfies(a -> assertThat(a.allocations()).isEmpty());
  }

  @Test
  void tagSetIdsSurviveARestartOfTheMeter() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.meter.dimension("users").allocation(BLUE).record(3);
    f.meter.close();
    f.meter = f.build();
    f.meter.dimension("users").allocation(RED).record(1);
    f.meter.dimension("users").allocation(BLUE).record(2);
    f.run(Duration.ofMinutes(62));
    assertThat(f.aws.accepted()).singleElement().satisfies(a -> assertThat(a.allocations())
        .containsExactly(new UsageAllocation(1, RED.asMap()), new UsageAllocation(5, BLUE.asMap())));
  }

  @Test
  void anInt32SplitDividesAllocationsInProportionAndCarriesEachRestWithItsTags() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    Dimension users = f.meter.dimension("users");
    users.allocation(BLUE).record(3_000_000_000L);
    users.allocation(RED).record(1_000_000_001L);
    f.run(Duration.ofMinutes(62));

    Accepted first = f.aws.accepted().get(0);
    long total = 4_000_000_001L;
    long blueShare = BigInteger.valueOf(3_000_000_000L).multiply(BigInteger.valueOf(MAX))
        .divide(BigInteger.valueOf(total)).longValueExact();
    long redShare = BigInteger.valueOf(1_000_000_001L).multiply(BigInteger.valueOf(MAX))
        .divide(BigInteger.valueOf(total)).longValueExact();
    long remainder = MAX - blueShare - redShare;
    assertThat(remainder).as("the rounding leaves something for the largest").isPositive();
    assertThat(first.quantity()).isEqualTo(MAX);
    assertThat(first.allocations()).containsExactly(
        new UsageAllocation(redShare, RED.asMap()), new UsageAllocation(blueShare + remainder, BLUE.asMap()));
    assertThat(f.ledger().carryPool())
        .containsEntry(new UsageKey(null, "users", BLUE), BigInteger.valueOf(3_000_000_000L - blueShare - remainder))
        .containsEntry(new UsageKey(null, "users", RED), BigInteger.valueOf(1_000_000_001L - redShare));

    f.run(Duration.ofHours(1));
    long blueSent = 0;
    long redSent = 0;
    for (Accepted a : f.aws.accepted()) {
      for (UsageAllocation al : a.allocations()) {
        if (al.tags().equals(BLUE.asMap())) {
          blueSent += al.quantity();
        } else if (al.tags().equals(RED.asMap())) {
          redSent += al.quantity();
        }
      }
      assertThat(a.allocations().stream().mapToLong(UsageAllocation::quantity).sum()).isEqualTo(a.quantity());
    }
    assertThat(blueSent).isEqualTo(3_000_000_000L);
    assertThat(redSent).isEqualTo(1_000_000_001L);
    assertThat(f.ledger().carryPool()).isEmpty();
  }

  @Test
  void moreThan2500TagSetsInOneHourSendTheLargest2500AndCarryTheRestWithTheirTags() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    Dimension users = f.meter.dimension("users");
    for (int i = 0; i < 2_502; i++) {
      users.allocation(Tags.of("n", Integer.toString(i))).record(i < 2 ? 1 : 2);
    }
    f.run(Duration.ofMinutes(62));

    Accepted first = f.aws.accepted().get(0);
    assertThat(first.allocations()).hasSize(2_500);
    assertThat(first.quantity()).isEqualTo(5_000);
    assertThat(f.ledger().carryPool()).containsOnlyKeys(
        new UsageKey(null, "users", Tags.of("n", "0")), new UsageKey(null, "users", Tags.of("n", "1")));

    f.run(Duration.ofHours(1));
    assertThat(f.aws.accepted()).hasSize(2);
    assertThat(f.aws.accepted().get(1).allocations()).containsExactly(
        new UsageAllocation(1, Map.of("n", "0")), new UsageAllocation(1, Map.of("n", "1")));
  }

  @Test
  void anAgentCoreCutCarriesOneAllocationPerTagSet() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.agentCore());
    Dimension users = f.meter.dimension("users");
    users.allocation(BLUE).record(3);
    users.record(1);
    f.run(Duration.ofMinutes(2));

    assertThat(f.aws.accepted()).singleElement().satisfies(a -> {
      assertThat(a.clientToken()).isNotNull();
      assertThat(a.quantity()).isEqualTo(4);
      assertThat(a.allocations()).containsExactly(new UsageAllocation(1, Map.of()), new UsageAllocation(3, BLUE.asMap()));
    });
  }

  @Test
  void aReportCarriedWholeAtItsDeadlineGoesBackToEachTagSetsPool() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    Dimension users = f.meter.dimension("users");
    users.allocation(BLUE).record(3);
    users.allocation(RED).record(2);
    f.aws.failNext(1000, io.hourmeter.spi.OutcomeClass.RETRYABLE);
    f.run(Duration.ofHours(6));

    assertThat(f.reports(io.hourmeter.spi.ReportState.CARRIED)).hasSize(1);
    assertThat(f.reports(io.hourmeter.spi.ReportState.FROZEN)).as("the carried units, in the next closed hour")
        .singleElement().satisfies(r -> assertThat(r.allocations()).containsExactly(
            new UsageAllocation(2, RED.asMap()), new UsageAllocation(3, BLUE.asMap())));
  }

  @Test
  void anAllocationHandleRefusesNoTagsAndNesting() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    Dimension users = f.meter.dimension("users");
    assertThatThrownBy(() -> users.allocation(Tags.NONE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1..5 tags");
    assertThatThrownBy(() -> users.allocation(BLUE).allocation(RED)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already has the allocation");
    assertThat(users.allocation(BLUE).tags()).isEqualTo(BLUE);
    assertThat(List.of(users.tags())).containsExactly(Tags.NONE);
  }
}
