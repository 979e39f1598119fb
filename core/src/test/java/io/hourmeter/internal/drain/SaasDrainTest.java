package io.hourmeter.internal.drain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.Buyer;
import io.hourmeter.Customer;
import io.hourmeter.Dimension;
import io.hourmeter.HourmeterException;
import io.hourmeter.Meter;
import io.hourmeter.MeteringMode;
import io.hourmeter.internal.DefaultMeter;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.SendPermission;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.spi.UsageSubmitter;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SAAS mode through the same drainer as hourly mode: one report per (buyer, dimension, hour), frozen
 * before its first send, sent up to 25 a call, each record's status deciding its own report. The
 * submitter is an in-memory BatchMeterUsage that dedupes per (buyer, dimension, hour) as AWS does.
 */
class SaasDrainTest {
  private static final String PRODUCT = "prod-saas1";
  private static final long HOUR = 490_000;
  private static final Buyer ACME = Buyer.of("123456789012", "arn:aws:license-manager::123456789012:license/l-acme");
  private static final Buyer ACME_OTHER_LICENSE =
      Buyer.of("123456789012", "arn:aws:license-manager::123456789012:license/l-acme2");
  private static final Buyer GLOBEX = Buyer.ofAccount("210987654321");
  private static final Buyer LEGACY = Buyer.ofCustomerIdentifier("cust-legacy-1");
  private static final Buyer STRANGER = Buyer.ofAccount("999999999999");

  @TempDir
  Path dir;

  private final InMemoryStorage storage = new InMemoryStorage();
  private final MutableClock clock = MutableClock.atHour(HOUR);
  private final List<HourmeterException> alerts = Collections.synchronizedList(new ArrayList<>());

  @Test
  void aCustomersAllocationHandleSendsItsTagsInTheBuyersReport() {
    FakeBatchMeterUsage aws = new FakeBatchMeterUsage(Set.of(ACME, GLOBEX));
    DefaultMeter meter = build(aws);
    Dimension calls = meter.customer(ACME).dimension("api_calls");
    Dimension blue = calls.allocation(io.hourmeter.Tags.of("team", "blue"));
    blue.record(3);
    calls.record(2);
    meter.customer(GLOBEX).dimension("api_calls").allocation(io.hourmeter.Tags.of("team", "blue")).record(9);
    run(meter, Duration.ofMinutes(70));

    List<UsageReport> sent = aws.calls.stream().flatMap(List::stream).toList();
    assertThat(sent).filteredOn(r -> r.buyer().equals(ACME)).singleElement().satisfies(r -> {
      assertThat(r.quantity()).isEqualTo(5);
      assertThat(r.allocations()).containsExactly(new io.hourmeter.spi.UsageAllocation(2, Map.of()),
          new io.hourmeter.spi.UsageAllocation(3, Map.of("team", "blue")));
    });
    assertThat(sent).filteredOn(r -> r.buyer().equals(GLOBEX)).singleElement()
        .satisfies(r -> assertThat(r.allocations()).containsExactly(
            new io.hourmeter.spi.UsageAllocation(9, Map.of("team", "blue"))));
  }

  @Test
  void eachBuyerDimensionHourBecomesOneReportWithTheHourStartAndItsBuyer() {
    FakeBatchMeterUsage aws = new FakeBatchMeterUsage(Set.of(ACME, ACME_OTHER_LICENSE, GLOBEX, LEGACY));
    DefaultMeter meter = build(aws);
    Customer acme = meter.customer(ACME);
    acme.dimension("api_calls").record(3);
    acme.dimension("api_calls").record(4);
    meter.customer(ACME_OTHER_LICENSE).dimension("api_calls").record(5);
    meter.record(GLOBEX, "api_calls", 6);
    meter.record(GLOBEX, "storage_gb", 7);
    meter.record(LEGACY, "storage_gb", 8);
    drain(meter);
    assertThat(meter.status().pendingBuyers()).as("buyers with usage in the open hour").isEqualTo(4);
    assertThat(meter.status().pendingUnitsByHour().get(hourStart(HOUR))).containsEntry("api_calls", 18L)
        .containsEntry("storage_gb", 15L);

    run(meter, Duration.ofMinutes(70));
    assertThat(meter.status().pendingBuyers()).isZero();

    assertThat(aws.accepted).containsOnly(
        Map.entry(new Key(ACME, "api_calls", HOUR), 7L),
        Map.entry(new Key(ACME_OTHER_LICENSE, "api_calls", HOUR), 5L),
        Map.entry(new Key(GLOBEX, "api_calls", HOUR), 6L),
        Map.entry(new Key(GLOBEX, "storage_gb", HOUR), 7L),
        Map.entry(new Key(LEGACY, "storage_gb", HOUR), 8L));
    assertThat(aws.calls).as("five reports in two calls: one account's two licenses of a dimension-hour never "
        + "share a call, since a reply tells records apart by account, dimension and time only").hasSize(2);
    assertThat(aws.calls).allSatisfy(call -> assertThat(call.stream().filter(r -> r.buyer().equals(ACME)
        || r.buyer().equals(ACME_OTHER_LICENSE))).hasSize(1));
    assertThat(aws.calls.get(0)).as("the rest fills the first call").hasSize(4);
    assertThat(aws.calls).allSatisfy(call -> assertThat(call)
        .allSatisfy(r -> assertThat(r.timestamp()).isEqualTo(hourStart(HOUR))));
    LedgerState ledger = ledger();
    assertThat(ledger.reports().values()).allSatisfy(r -> assertThat(r.state()).isEqualTo(ReportState.ACCEPTED));
    assertThat(ledger.hourUnits().get(HOUR)).containsEntry(new UsageKey(ACME, "api_calls"), BigInteger.valueOf(7));
    assertThat(meter.status().acceptedUnits()).isEqualTo(33);
    meter.close();
  }

  @Test
  void aCallCarriesAtMost25RecordsOldestFirst() {
    Set<Buyer> buyers = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      buyers.add(Buyer.ofAccount(String.format("%012d", 100_000 + i)));
    }
    FakeBatchMeterUsage aws = new FakeBatchMeterUsage(buyers);
    DefaultMeter meter = build(aws);
    for (Buyer b : buyers) {
      meter.record(b, "api_calls", 1);
    }

    run(meter, Duration.ofMinutes(70));

    assertThat(aws.calls).extracting(List::size).containsExactly(25, 25, 10);
    assertThat(aws.accepted).hasSize(60);
    meter.close();
  }

  @Test
  void aStepSendsSeveralCallsWithOneCommitAndStopsAtTheFirstThatFails() {
    Set<Buyer> buyers = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      buyers.add(Buyer.ofAccount(String.format("%012d", 300_000 + i)));
    }
    FakeBatchMeterUsage aws = new FakeBatchMeterUsage(buyers);
    DefaultMeter meter = build(aws);
    for (Buyer b : buyers) {
      meter.record(b, "api_calls", 1);
    }
    drain(meter);
    clock.advance(Duration.ofMinutes(62));
    aws.throttleCall = 2;
    for (int i = 0; i < 3; i++) {
      meter.drainer().doWork();
    }

    assertThat(aws.calls).as("the step's first call went, the second was throttled, the rest not sent")
        .extracting(List::size).containsExactly(25, 25);
    LedgerState ledger = ledger();
    assertThat(ledger.reports().values()).filteredOn(r -> r.state() == ReportState.ACCEPTED).hasSize(25);
    assertThat(ledger.unsettled().values()).hasSize(75).allSatisfy(r -> {
      assertThat(r.state()).isEqualTo(ReportState.FROZEN);
      assertThat(r.outcomeUnknown()).as("throttled or never sent: known not recorded").isFalse();
    });

    run(meter, Duration.ofMinutes(2));
    assertThat(aws.accepted).hasSize(100);
    meter.close();
  }

  @Test
  void customerNotSubscribedDeadLettersThatBuyerOnlyQuarantinesItAndProbesSlowly() {
    FakeBatchMeterUsage aws = new FakeBatchMeterUsage(Set.of(ACME));
    DefaultMeter meter = build(aws);
    meter.record(ACME, "api_calls", 2);
    meter.record(STRANGER, "api_calls", 3);

    run(meter, Duration.ofMinutes(70));

    assertThat(aws.accepted).containsOnly(Map.entry(new Key(ACME, "api_calls", HOUR), 2L));
    LedgerState ledger = ledger();
    assertThat(ledger.quarantinedBuyers()).containsKey(STRANGER);
    assertThat(ledger.reports().values()).filteredOn(r -> r.state() == ReportState.DEAD_LETTERED)
        .singleElement().satisfies(r -> {
          assertThat(r.buyer()).isEqualTo(STRANGER);
          assertThat(r.reason()).startsWith("CustomerNotSubscribed");
        });
    assertThat(meter.status().acceptedUnits()).as("never counted as billed").isEqualTo(2);
    assertThat(alerts).anySatisfy(a -> assertThat(a.kind()).isEqualTo(HourmeterException.Kind.BUYER_QUARANTINED));
    assertThat(meter.status().quarantinedBuyers()).containsExactly(STRANGER.key());

    // Its usage keeps being journaled and frozen, but waits for the slow probe.
    meter.record(STRANGER, "api_calls", 4);
    int callsBefore = aws.calls.size();
    run(meter, Duration.ofMinutes(62));
    assertThat(aws.calls.subList(callsBefore, aws.calls.size())).as("the waiting report went alone, as a probe")
        .allSatisfy(call -> assertThat(call).hasSize(1));
    assertThat(ledger().quarantinedBuyers()).containsKey(STRANGER);

    // Once subscribed, the next probe is accepted and the quarantine lifts.
    aws.subscribe(STRANGER);
    meter.record(STRANGER, "api_calls", 5);
    run(meter, Duration.ofMinutes(65));
    assertThat(ledger().quarantinedBuyers()).doesNotContainKey(STRANGER);
    assertThat(aws.accepted).containsEntry(new Key(STRANGER, "api_calls", HOUR + 2), 5L);
    meter.close();
  }

  @Test
  void unprocessedRecordsAreResentUnchangedAndAcceptedOnce() {
    FakeBatchMeterUsage aws = new FakeBatchMeterUsage(Set.of(ACME, GLOBEX));
    aws.unprocessedNext = 1;
    DefaultMeter meter = build(aws);
    meter.record(ACME, "api_calls", 2);
    meter.record(GLOBEX, "api_calls", 3);

    run(meter, Duration.ofMinutes(70));

    assertThat(aws.accepted).hasSize(2).containsEntry(new Key(ACME, "api_calls", HOUR), 2L);
    assertThat(aws.calls).hasSizeGreaterThanOrEqualTo(2);
    UsageReport first = aws.calls.get(0).get(0);
    assertThat(aws.calls).as("the unprocessed record went again byte-identical")
        .anySatisfy(call -> assertThat(call).anySatisfy(r -> {
          assertThat(r.id()).isEqualTo(first.id());
          assertThat(r.quantity()).isEqualTo(first.quantity());
          assertThat(r.timestamp()).isEqualTo(first.timestamp());
          assertThat(r.attempts()).isEqualTo(2);
        }));
    meter.close();
  }

  @Test
  void aWholeCallRejectionAboutOneRecordIsIsolatedAndTheOthersGoOn() {
    FakeBatchMeterUsage aws = new FakeBatchMeterUsage(Set.of(ACME, GLOBEX, LEGACY));
    aws.invalidDimension = "bogus";
    DefaultMeter meter = build(aws, "api_calls", "bogus");
    meter.record(ACME, "api_calls", 2);
    meter.record(GLOBEX, "bogus", 3);
    meter.record(LEGACY, "api_calls", 4);

    run(meter, Duration.ofMinutes(70));

    assertThat(aws.calls.get(0)).as("first call: all three").hasSize(3);
    assertThat(aws.calls.subList(1, aws.calls.size())).as("then each alone")
        .allSatisfy(call -> assertThat(call).hasSize(1));
    assertThat(aws.accepted).containsOnly(Map.entry(new Key(ACME, "api_calls", HOUR), 2L),
        Map.entry(new Key(LEGACY, "api_calls", HOUR), 4L));
    LedgerState ledger = ledger();
    assertThat(ledger.quarantined()).containsKey("bogus");
    assertThat(ledger.reports().values()).filteredOn(r -> r.state() == ReportState.DEAD_LETTERED)
        .singleElement().satisfies(r -> assertThat(r.dimension()).isEqualTo("bogus"));
    meter.close();
  }

  @Test
  void duplicateRecordIsFinalAndReturnsCarriedUnitsToThePool() {
    FakeBatchMeterUsage aws = new FakeBatchMeterUsage(Set.of(ACME));
    aws.preRecord(new Key(ACME, "api_calls", HOUR), 99);
    DefaultMeter meter = build(aws);
    meter.record(ACME, "api_calls", 2);

    run(meter, Duration.ofMinutes(70));

    assertThat(aws.accepted).containsOnly(Map.entry(new Key(ACME, "api_calls", HOUR), 99L));
    LedgerState ledger = ledger();
    assertThat(ledger.reports().values()).singleElement().satisfies(r -> {
      assertThat(r.state()).isEqualTo(ReportState.DEAD_LETTERED);
      assertThat(r.reason()).startsWith("DuplicateRequest");
    });
    assertThat(ledger.carryPool()).as("never carried: the 99 may include ours").isEmpty();
    assertThat(alerts).anySatisfy(a -> assertThat(a.kind()).isEqualTo(HourmeterException.Kind.DUPLICATE_HOUR));
    meter.close();
  }

  @Test
  void aLostReplyIsResentIdenticallyAndBilledOnce() {
    FakeBatchMeterUsage aws = new FakeBatchMeterUsage(Set.of(ACME, GLOBEX));
    aws.loseNextReply = true;
    DefaultMeter meter = build(aws);
    meter.record(ACME, "api_calls", 2);
    meter.record(GLOBEX, "api_calls", 3);

    run(meter, Duration.ofMinutes(75));

    assertThat(aws.accepted).hasSize(2);
    assertThat(aws.duplicates).as("no DuplicateRecord").isZero();
    assertThat(ledger().reports().values()).allSatisfy(r -> {
      assertThat(r.state()).isEqualTo(ReportState.ACCEPTED);
      assertThat(r.outcomeUnknown()).isTrue();
    });
    meter.close();
  }

  @Test
  void timestampOutOfBoundsForANeverSentRecordCarriesIntoTheNextOpenHour() {
    FakeBatchMeterUsage aws = new FakeBatchMeterUsage(Set.of(ACME));
    aws.outOfBoundsBefore = hourStart(HOUR + 1);
    DefaultMeter meter = build(aws);
    meter.record(ACME, "api_calls", 2);

    run(meter, Duration.ofMinutes(70));
    assertThat(ledger().carryPool()).containsEntry(new UsageKey(ACME, "api_calls"), BigInteger.TWO);
    meter.record(ACME, "api_calls", 1);
    run(meter, Duration.ofMinutes(62));

    assertThat(aws.accepted).containsOnly(Map.entry(new Key(ACME, "api_calls", HOUR + 1), 3L));
    meter.close();
  }

  @Test
  void usageSurvivesACrashBetweenFreezeAndSendAndIsSentOnce() {
    FakeBatchMeterUsage aws = new FakeBatchMeterUsage(Set.of(ACME, GLOBEX));
    DefaultMeter meter = build(aws);
    meter.record(ACME, "api_calls", 2);
    meter.record(GLOBEX, "api_calls", 3);
    clock.advance(Duration.ofMinutes(70));
    aws.refuseAllPermissions = true;
    drain(meter);
    assertThat(ledger().unsettled()).hasSize(2);
    meter.drainer().dieForTest();

    aws.refuseAllPermissions = false;
    DefaultMeter again = build(aws);
    run(again, Duration.ofMinutes(2));

    assertThat(aws.accepted).containsOnly(Map.entry(new Key(ACME, "api_calls", HOUR), 2L),
        Map.entry(new Key(GLOBEX, "api_calls", HOUR), 3L));
    again.close();
  }

  @Test
  void aSaasMeterRefusesUsageWithoutABuyerAndOtherModesRefuseBuyers() {
    DefaultMeter saas = build(new FakeBatchMeterUsage(Set.of()));
    assertThatThrownBy(() -> saas.dimension("api_calls")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("customer(buyer)");
    assertThatThrownBy(() -> saas.record(ACME, "nope", 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> saas.record(ACME, "api_calls", -1)).isInstanceOf(IllegalArgumentException.class);
    saas.close();

    Meter hourly = Meter.builder().productCode(PRODUCT).dimensions("api_calls").journalDirectory(dir.resolve("h"))
        .submitter(new io.hourmeter.testing.RecordingUsageSubmitter(clock, PRODUCT, Set.of("api_calls")))
        .clock(clock).storage(storage).drainerThread(false).build();
    assertThatThrownBy(() -> hourly.customer(ACME)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SAAS");
    hourly.close();
  }

  @Test
  void theSubmitterMustFitTheMode() {
    assertThatThrownBy(() -> Meter.builder().productCode(PRODUCT).dimensions("api_calls").mode(MeteringMode.SAAS)
        .journalDirectory(dir.resolve("s")).submitter(new io.hourmeter.testing.RecordingUsageSubmitter(clock, PRODUCT,
            Set.of("api_calls"))).clock(clock).storage(storage).drainerThread(false).build())
        .isInstanceOf(HourmeterException.class).hasMessageContaining("batchMeterUsage()");
    assertThatThrownBy(() -> Meter.builder().productCode(PRODUCT).dimensions("api_calls")
        .journalDirectory(dir.resolve("h")).submitter(new FakeBatchMeterUsage(Set.of())).clock(clock).storage(storage)
        .drainerThread(false).build())
        .isInstanceOf(HourmeterException.class).hasMessageContaining("mode SAAS");
  }

  @Test
  void anEvictedHandleIsMadeAgainWithTheSameCustomerId() {
    FakeBatchMeterUsage aws = new FakeBatchMeterUsage(Set.of(ACME, GLOBEX, LEGACY));
    DefaultMeter meter = build(aws, b -> b.maxCachedCustomers(1), "api_calls");
    Dimension held = meter.customer(ACME).dimension("api_calls");
    for (int i = 0; i < 200; i++) {
      meter.record(i % 2 == 0 ? GLOBEX : LEGACY, "api_calls", 1);
    }
    held.record(5);
    meter.record(ACME, "api_calls", 6);

    run(meter, Duration.ofMinutes(70));

    assertThat(aws.accepted).containsEntry(new Key(ACME, "api_calls", HOUR), 11L)
        .containsEntry(new Key(GLOBEX, "api_calls", HOUR), 100L)
        .containsEntry(new Key(LEGACY, "api_calls", HOUR), 100L);
    meter.close();
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void manyBuyersSpaceTheCheckpointsOfSumsAndEachWritesOnlyTheBuyersThatChanged() {
    int buyers = 2 * HourlyAggregation.KEYS_PER_SECOND;
    DefaultMeter meter = build(new FakeBatchMeterUsage(Set.of()));
    for (int i = 0; i < buyers; i++) {
      meter.record(Buyer.ofCustomerIdentifier("cust-" + i), "api_calls", 1);
    }
    drain(meter);
    UsageKey first = new UsageKey(Buyer.ofCustomerIdentifier("cust-0"), "api_calls", io.hourmeter.Tags.NONE);
    assertThat(ledger().openSums().get(HOUR)).hasSize(buyers).containsEntry(first, java.math.BigInteger.ONE);

    meter.record(Buyer.ofCustomerIdentifier("cust-0"), "api_calls", 5);
    clock.advance(HourlyAggregation.SUMS_CHECKPOINT_EVERY);
    drain(meter);
    assertThat(ledger().openSums().get(HOUR)).as("20,000 keys: two seconds between checkpoints")
        .containsEntry(first, java.math.BigInteger.ONE);
    clock.advance(HourlyAggregation.SUMS_CHECKPOINT_EVERY);
    drain(meter);
    assertThat(ledger().openSums().get(HOUR)).containsEntry(first, java.math.BigInteger.valueOf(6));
    meter.close();
  }

  private DefaultMeter build(UsageSubmitter submitter) {
    return build(submitter, b -> { }, "api_calls", "storage_gb");
  }

  private DefaultMeter build(UsageSubmitter submitter, String... dimensions) {
    return build(submitter, b -> { }, dimensions);
  }

  private DefaultMeter build(UsageSubmitter submitter, java.util.function.Consumer<io.hourmeter.MeterBuilder> more,
      String... dimensions) {
    io.hourmeter.MeterBuilder builder = Meter.builder()
        .productCode(PRODUCT)
        .dimensions(dimensions)
        .mode(MeteringMode.SAAS)
        .journalDirectory(dir.resolve("journal"))
        .submitter(submitter)
        .clock(clock)
        .storage(storage)
        .sendJitter(Duration.ZERO)
        .drainerThread(false)
        .errorHandler(alerts::add);
    more.accept(builder);
    return (DefaultMeter) builder.build();
  }

  private void drain(DefaultMeter meter) {
    for (int i = 0; i < 10_000; i++) {
      if (meter.drainer().doWork() == 0) {
        return;
      }
    }
    throw new AssertionError("the drainer never went idle");
  }

  private void run(DefaultMeter meter, Duration total) {
    drain(meter);
    for (long m = 0; m < total.toMinutes(); m++) {
      clock.advance(Duration.ofMinutes(1));
      drain(meter);
    }
  }

  private LedgerState ledger() {
    try (ReportLedger ledger = storage.openLedger(dir.resolve("journal"))) {
      return LedgerState.load(ledger);
    }
  }

  private static Instant hourStart(long epochHour) {
    return Instant.ofEpochSecond(epochHour * 3600);
  }

  record Key(Buyer buyer, String dimension, long epochHour) { }

  /** BatchMeterUsage in memory: per-record status, one record per (buyer, dimension, hour). */
  static final class FakeBatchMeterUsage implements UsageSubmitter {
    final Set<Buyer> subscribed = new HashSet<>();
    final Map<Key, Long> accepted = new HashMap<>();
    final List<List<UsageReport>> calls = new ArrayList<>();
    final Deque<Integer> unused = new ArrayDeque<>();
    int unprocessedNext;
    /** The call with this number (1-based) is throttled as a whole. */
    int throttleCall;
    int duplicates;
    boolean loseNextReply;
    boolean refuseAllPermissions;
    String invalidDimension;
    Instant outOfBoundsBefore;

    FakeBatchMeterUsage(Set<Buyer> subscribed) {
      this.subscribed.addAll(subscribed);
    }

    void subscribe(Buyer buyer) {
      subscribed.add(buyer);
    }

    void preRecord(Key key, long quantity) {
      accepted.put(key, quantity);
    }

    @Override
    public SendPermission tryAcquirePermission() {
      return refuseAllPermissions ? SendPermission.deny(Duration.ofSeconds(1), "test") : SendPermission.allow();
    }

    @Override
    public int maxReportsPerCall() {
      return 25;
    }

    @Override
    public int callSize(List<UsageReport> candidates) {
      return Math.min(25, candidates.size());
    }

    @Override
    public SubmitOutcome submit(UsageReport report) {
      return submitAll(List.of(report)).get(0);
    }

    @Override
    public List<SubmitOutcome> submitAll(List<UsageReport> reports) {
      calls.add(List.copyOf(reports));
      if (calls.size() == throttleCall) {
        return Collections.nCopies(reports.size(), SubmitOutcome.failed(OutcomeClass.RETRYABLE,
            "ThrottlingException", "slow down").forWholeCall());
      }
      for (UsageReport r : reports) {
        if (r.dimension().equals(invalidDimension)) {
          return Collections.nCopies(reports.size(), SubmitOutcome.failed(OutcomeClass.INVALID_DIMENSION,
              "InvalidUsageDimensionException", "no such dimension").forWholeCall());
        }
        if (outOfBoundsBefore != null && r.timestamp().isBefore(outOfBoundsBefore)) {
          return Collections.nCopies(reports.size(), SubmitOutcome.failed(OutcomeClass.TIMESTAMP_OUT_OF_BOUNDS,
              "TimestampOutOfBoundsException", "too old").forWholeCall());
        }
      }
      List<SubmitOutcome> outcomes = new ArrayList<>();
      for (UsageReport r : reports) {
        if (unprocessedNext > 0) {
          unprocessedNext--;
          outcomes.add(SubmitOutcome.failed(OutcomeClass.RETRYABLE, "UnprocessedRecords", "not processed"));
          continue;
        }
        if (!subscribed.contains(r.buyer())) {
          outcomes.add(SubmitOutcome.failed(OutcomeClass.CUSTOMER_NOT_SUBSCRIBED, "CustomerNotSubscribed",
              "not subscribed"));
          continue;
        }
        Key key = new Key(r.buyer(), r.dimension(), r.timestamp().getEpochSecond() / 3600);
        Long stands = accepted.putIfAbsent(key, r.quantity());
        if (stands != null && stands != r.quantity()) {
          duplicates++;
          outcomes.add(SubmitOutcome.failed(OutcomeClass.DUPLICATE_REQUEST, "DuplicateRecord", "another quantity"));
        } else {
          outcomes.add(SubmitOutcome.accepted("rec-" + key.hashCode()));
        }
      }
      if (loseNextReply) {
        loseNextReply = false;
        return Collections.nCopies(reports.size(), SubmitOutcome.failed(OutcomeClass.OUTCOME_UNKNOWN,
            "ApiCallTimeoutException", "reply lost").forWholeCall());
      }
      return outcomes;
    }

    @Override
    public Duration backoff(int consecutiveFailures) {
      return Duration.ofSeconds(1);
    }
  }
}
