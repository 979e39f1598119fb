package io.hourmeter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Buyer;
import io.hourmeter.Tags;
import io.hourmeter.kafka.FleetRecords.Carry;
import io.hourmeter.kafka.FleetRecords.HourFinal;
import io.hourmeter.kafka.FleetRecords.Partial;
import io.hourmeter.kafka.FleetRecords.TagUnits;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.SortedMap;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The aggregator's rules, one test each, on TopologyTestDriver (no broker). */
class FleetTopologyTest {
  static final long H = 490_000; // an epoch hour in 2025
  static final Duration GRACE = Duration.ofMinutes(10);
  static final Duration PUNCTUATE = Duration.ofSeconds(1);
  static final Buyer ACME = Buyer.ofAccount("111122223333");
  static final Buyer GLOBEX = Buyer.ofAccount("444455556666");

  final KafkaFleet fleet = KafkaFleet.builder().productCode("prod-test").bootstrapServers("127.0.0.1:1").build();
  final MutableClock clock = MutableClock.atHour(H);
  final List<Rig> rigs = new ArrayList<>();
  @TempDir Path dir;

  /** One partition's task: its own driver, state directory and topics, on the shared clock. */
  final class Rig {
    final AggregatorStatusBoard board = new AggregatorStatusBoard();
    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> partials;
    final TestInputTopic<String, byte[]> outcomes;
    final TestOutputTopic<String, byte[]> finals;

    Rig(String name) {
      Properties p = new Properties();
      p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test-" + name);
      p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
      p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve(name).toString());
      driver = new TopologyTestDriver(FleetTopology.build(fleet, clock, GRACE, PUNCTUATE, Duration.ofHours(48), board),
          p, Instant.ofEpochSecond(H * 3600));
      partials = driver.createInputTopic(fleet.partialsTopic(), new StringSerializer(), new ByteArraySerializer());
      outcomes = driver.createInputTopic(fleet.outcomesTopic(), new StringSerializer(), new ByteArraySerializer());
      finals = driver.createOutputTopic(fleet.finalsTopic(), new StringDeserializer(), new ByteArrayDeserializer());
      rigs.add(this);
    }

    void ship(Partial partial) {
      partials.pipeInput(partial.key().buyer().key(), FleetRecords.encode(partial));
    }

    /** Moves the clock and lets wall-clock punctuation run. */
    void tick(Duration by) {
      clock.advance(by);
      driver.advanceWallClockTime(PUNCTUATE);
    }

    List<HourFinal> finals() {
      List<HourFinal> out = new ArrayList<>();
      finals.readValuesToList().forEach(v -> out.add(FleetRecords.decodeFinal(v)));
      return out;
    }

    AggregatorStatus.PartitionStatus status() {
      return board.snapshot().get(0);
    }
  }

  @AfterEach
  void close() {
    rigs.forEach(r -> r.driver.close());
  }

  static Partial partial(String journal, Buyer buyer, String dim, long hour, long units) {
    SortedMap<Tags, TagUnits> u = FleetRecords.newUnits();
    u.put(Tags.NONE, new TagUnits(units, 0));
    return new Partial(journal, 1, hour, new UsageKey(buyer, dim), u);
  }

  static long total(HourFinal f) {
    return f.units().values().stream().mapToLong(TagUnits::total).sum();
  }

  static long carried(HourFinal f) {
    return f.units().values().stream().mapToLong(TagUnits::carried).sum();
  }

  @Test
  void sumsEveryHostsPartialIntoOneFinalPerBuyerDimensionHour() {
    Rig rig = new Rig("sum");
    rig.ship(partial("host-a", ACME, "users", H, 3));
    rig.ship(partial("host-b", ACME, "users", H, 4));
    rig.ship(partial("host-c", ACME, "users", H, 5));
    rig.ship(partial("host-a", ACME, "requests", H, 10));
    rig.ship(partial("host-b", GLOBEX, "users", H, 7));

    rig.tick(Duration.ofHours(1).plus(GRACE));

    List<HourFinal> finals = rig.finals();
    assertThat(finals).hasSize(3);
    assertThat(finals).allMatch(f -> f.epochHour() == H);
    assertThat(finals).filteredOn(f -> f.key().equals(new UsageKey(ACME, "users"))).singleElement()
        .satisfies(f -> assertThat(total(f)).isEqualTo(12));
    assertThat(finals).filteredOn(f -> f.key().equals(new UsageKey(ACME, "requests"))).singleElement()
        .satisfies(f -> assertThat(total(f)).isEqualTo(10));
    assertThat(finals).filteredOn(f -> f.key().equals(new UsageKey(GLOBEX, "users"))).singleElement()
        .satisfies(f -> assertThat(total(f)).isEqualTo(7));
  }

  @Test
  void dropsAPartialAlreadySeenByJournalBuyerDimensionAndHour() {
    Rig rig = new Rig("dedupe");
    Partial p = partial("host-a", ACME, "users", H, 3);
    rig.ship(p);
    rig.ship(p); // a host's resend after an unknown commit
    rig.ship(partial("host-b", ACME, "users", H, 4)); // another journal: not a duplicate
    rig.ship(partial("host-a", ACME, "users", H - 1, 5)); // another hour: not a duplicate

    rig.tick(Duration.ofHours(1).plus(GRACE));

    assertThat(rig.finals()).extracting(FleetTopologyTest::total).containsExactlyInAnyOrder(5L, 7L);
    assertThat(rig.status().duplicatesDropped()).isEqualTo(1);
  }

  @Test
  void keepsTagSetsApartWithinOneFinal() {
    Rig rig = new Rig("tags");
    SortedMap<Tags, TagUnits> u = FleetRecords.newUnits();
    u.put(Tags.of("team", "red"), new TagUnits(2, 0));
    u.put(Tags.of("team", "blue"), new TagUnits(5, 0));
    rig.ship(new Partial("host-a", 1, H, new UsageKey(ACME, "users"), u));
    SortedMap<Tags, TagUnits> v = FleetRecords.newUnits();
    v.put(Tags.of("team", "red"), new TagUnits(1, 0));
    rig.ship(new Partial("host-b", 1, H, new UsageKey(ACME, "users"), v));

    rig.tick(Duration.ofHours(1).plus(GRACE));

    HourFinal f = rig.finals().get(0);
    assertThat(f.units().get(Tags.of("team", "red")).total()).isEqualTo(3);
    assertThat(f.units().get(Tags.of("team", "blue")).total()).isEqualTo(5);
  }

  @Test
  void closesAnHourOnlyAtItsEndPlusTheGraceOnTheInjectedClock() {
    Rig rig = new Rig("close");
    rig.ship(partial("host-a", ACME, "users", H, 3));

    rig.tick(Duration.ofHours(1).plus(GRACE).minusSeconds(2));
    assertThat(rig.finals()).isEmpty();
    assertThat(rig.status().openKeysByHour()).containsEntry(Instant.ofEpochSecond(H * 3600), 1L);

    rig.tick(Duration.ofSeconds(2));
    assertThat(rig.finals()).singleElement().satisfies(f -> assertThat(f.epochHour()).isEqualTo(H));
    assertThat(rig.status().firstOpenHour()).isEqualTo(Instant.ofEpochSecond((H + 1) * 3600));
  }

  @Test
  void anIdlePartitionAndABusyOneCloseTheHourAtTheSameClockTime() {
    Rig idle = new Rig("idle");
    Rig busy = new Rig("busy");
    idle.ship(partial("host-a", ACME, "users", H, 3));
    busy.ship(partial("host-a", GLOBEX, "users", H, 4));
    // The busy partition keeps getting partials of the next hours, with record timestamps far ahead;
    // stream time must not close hours early, and the idle one, with no records, must close all the same.
    for (int i = 1; i <= 5; i++) {
      busy.partials.pipeInput(GLOBEX.key(), FleetRecords.encode(partial("host-" + i, GLOBEX, "users", H + 1, 1)),
          Instant.ofEpochSecond((H + 5) * 3600));
      clock.advance(Duration.ofMinutes(10));
      idle.driver.advanceWallClockTime(PUNCTUATE);
      busy.driver.advanceWallClockTime(PUNCTUATE);
    }
    assertThat(idle.finals()).isEmpty();
    assertThat(busy.finals()).isEmpty();

    clock.advance(Duration.ofMinutes(20)); // H's end plus 10 minutes' grace
    idle.driver.advanceWallClockTime(PUNCTUATE);
    busy.driver.advanceWallClockTime(PUNCTUATE);

    assertThat(idle.finals()).singleElement().satisfies(f -> assertThat(total(f)).isEqualTo(3));
    assertThat(busy.finals()).singleElement().satisfies(f -> {
      assertThat(f.epochHour()).isEqualTo(H);
      assertThat(total(f)).isEqualTo(4);
    });
    assertThat(busy.status().openKeysByHour()).containsEntry(Instant.ofEpochSecond((H + 1) * 3600), 1L);
  }

  @Test
  void aPartialAfterItsHourClosedIsCarriedIntoTheNextOpenHourNotDropped() {
    Rig rig = new Rig("late");
    rig.ship(partial("host-a", ACME, "users", H, 3));
    rig.tick(Duration.ofHours(1).plus(GRACE));
    assertThat(rig.finals()).singleElement().satisfies(f -> assertThat(total(f)).isEqualTo(3));

    rig.ship(partial("host-b", ACME, "users", H, 4)); // late: H closed
    rig.ship(partial("host-b", ACME, "users", H, 4)); // and its resend, dropped
    rig.ship(partial("host-a", ACME, "users", H + 1, 1));
    rig.tick(Duration.ofHours(1));

    assertThat(rig.finals()).singleElement().satisfies(f -> {
      assertThat(f.epochHour()).isEqualTo(H + 1);
      assertThat(total(f)).isEqualTo(5);
      assertThat(carried(f)).isEqualTo(4);
    });
    assertThat(rig.status().latePartialsCarried()).isEqualTo(1);
    assertThat(rig.status().lateUnits()).isEqualTo(4);
  }

  @Test
  void aLatePartialOfABuyerWithNoOtherUsageStillGetsAFinal() {
    Rig rig = new Rig("late-alone");
    rig.tick(Duration.ofHours(1).plus(GRACE)); // H closes with nothing in it
    rig.ship(partial("host-a", GLOBEX, "users", H, 9));
    rig.tick(Duration.ofHours(1));

    assertThat(rig.finals()).singleElement().satisfies(f -> {
      assertThat(f.epochHour()).isEqualTo(H + 1);
      assertThat(total(f)).isEqualTo(9);
    });
  }

  @Test
  void aCarryBackFromTheSenderGoesIntoTheNextOpenHourOnce() {
    Rig rig = new Rig("carry");
    rig.ship(partial("host-a", ACME, "users", H, 3));
    rig.tick(Duration.ofHours(1).plus(GRACE));
    rig.finals();

    Carry carry = new Carry("sender-1:17:" + ACME.key(), H, new UsageKey(ACME, "users", Tags.of("team", "red")), 3);
    rig.outcomes.pipeInput(ACME.key(), FleetRecords.encode(carry));
    rig.outcomes.pipeInput(ACME.key(), FleetRecords.encode(carry)); // resent after a sender crash: dropped
    rig.tick(Duration.ofHours(1));

    assertThat(rig.finals()).singleElement().satisfies(f -> {
      assertThat(f.epochHour()).isEqualTo(H + 1);
      assertThat(f.units().get(Tags.of("team", "red"))).isEqualTo(new TagUnits(0, 3));
    });
    assertThat(rig.status().carriesApplied()).isEqualTo(1);
  }

  @Test
  void skipsARecordThatIsNotAFleetRecord() {
    Rig rig = new Rig("malformed");
    rig.partials.pipeInput(ACME.key(), "hello".getBytes());
    rig.ship(partial("host-a", ACME, "users", H, 3));
    rig.tick(Duration.ofHours(1).plus(GRACE));

    assertThat(rig.finals()).hasSize(1);
    assertThat(rig.status().malformed()).isEqualTo(1);
  }
}
