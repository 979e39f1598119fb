package io.hourmeter.internal.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Buyer;
import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.internal.inspect.JournalInspection.CustomerTotals;
import io.hourmeter.internal.inspect.JournalInspection.HourCheck;
import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inspection view of a SaaS directory: checks, carry pool, quarantine and totals carry the buyer.
 * The journal is written through the port and the ledger as the drainer leaves it: hour H frozen
 * (A users 5 accepted, with 2 of them carried in the pool and 3 reported; B users 4 dead-lettered as
 * CustomerNotSubscribed, B quarantined), hour H+1 open (A users 1, B requests 6).
 */
class SaasInspectionTest {
  private static final long H = 490_000;
  private static final Buyer A = Buyer.ofAccount("111122223333");
  private static final Buyer B = Buyer.of("444455556666",
      "arn:aws:license-manager::444455556666:license:l-0123456789abcdef0");

  @TempDir
  Path dir;
  final InMemoryStorage storage = new InMemoryStorage();

  @BeforeEach
  void writeJournalAndLedger() {
    MutableClock clock = MutableClock.atHour(H);
    try (UsageJournal journal = storage.openJournal(new JournalSettings(dir, clock, 0, FreeSpaceProbe.fileSystem()))) {
      int users = journal.dimensionId("users");
      int requests = journal.dimensionId("requests");
      int a = journal.customerId(A.key());
      int b = journal.customerId(B.key());
      journal.append(users, a, 2, 0);
      journal.append(users, a, 3, 0);
      journal.append(users, b, 4, 0);
      clock.advance(Duration.ofHours(1));
      journal.append(users, a, 1, 0);
      journal.append(requests, b, 6, 0);
    }
    Map<String, String> puts = new HashMap<>();
    puts.put(LedgerCodec.MODE, "SAAS");
    puts.put(LedgerCodec.FROZEN_THROUGH, Long.toString(H));
    puts.put(LedgerCodec.hourKey(H), LedgerCodec.encodeUnits(Map.of(new UsageKey(A, "users"), BigInteger.valueOf(5),
        new UsageKey(B, "users"), BigInteger.valueOf(4))));
    puts.put(LedgerCodec.reportKey(1), LedgerCodec.encodeReport(report(1, A, 3, ReportState.ACCEPTED)));
    puts.put(LedgerCodec.reportKey(2), LedgerCodec.encodeReport(report(2, B, 4, ReportState.DEAD_LETTERED)));
    puts.put(LedgerCodec.carryKey(new UsageKey(A, "users")), "2");
    puts.put(LedgerCodec.quarantineKey(B), "CustomerNotSubscribed: the buyer cannot use this product");
    try (ReportLedger ledger = storage.openLedger(dir)) {
      ledger.commit(puts, Set.of());
    }
  }

  private static UsageReport report(long id, Buyer buyer, long quantity, ReportState state) {
    Instant hour = Instant.ofEpochSecond(H * 3600);
    return new UsageReport(id, "prod-saas", "users", H, hour, quantity, List.of(), null, -1, -1, state, 1, false,
        state == ReportState.ACCEPTED ? "rec-" + id : null,
        state == ReportState.DEAD_LETTERED ? "CustomerNotSubscribed" : null, hour.plusSeconds(3700), 0, buyer);
  }

  @Test
  void verifyNamesEachCheckByBuyerKeyAndDimension() {
    try (JournalInspection inspection = JournalInspection.open(dir, storage)) {
      List<HourCheck> checks = inspection.verify();

      assertThat(checks).allMatch(HourCheck::matches);
      assertThat(checks).extracting(HourCheck::epochHour, HourCheck::buyer, HourCheck::dimension,
          c -> c.journalUnits().longValue()).containsExactly(
              org.assertj.core.groups.Tuple.tuple(H, A.key(), "users", 5L),
              org.assertj.core.groups.Tuple.tuple(H, B.key(), "users", 4L),
              org.assertj.core.groups.Tuple.tuple(H + 1, A.key(), "users", 1L),
              org.assertj.core.groups.Tuple.tuple(H + 1, B.key(), "requests", 6L));
      assertThat(inspection.verify(b -> b.equals(B))).extracting(HourCheck::buyer).containsOnly(B.key()).hasSize(2);
    }
  }

  @Test
  void aFrozenHourWhoseBuyerSumDiffersIsADifferenceOfThatBuyerOnly() {
    try (ReportLedger ledger = storage.openLedger(dir)) {
      ledger.commit(Map.of(LedgerCodec.hourKey(H), LedgerCodec.encodeUnits(Map.of(new UsageKey(A, "users"),
          BigInteger.valueOf(5), new UsageKey(B, "users"), BigInteger.valueOf(3)))), Set.of());
    }
    try (JournalInspection inspection = JournalInspection.open(dir, storage)) {
      assertThat(inspection.verify()).filteredOn(c -> !c.matches()).singleElement().satisfies(c -> {
        assertThat(c.buyer()).isEqualTo(B.key());
        assertThat(c.ledgerUnits()).isEqualTo(BigInteger.valueOf(3));
      });
    }
  }

  @Test
  void summaryKeepsTheCarryPoolByBuyerAndDimensionAndListsQuarantinedBuyers() {
    try (JournalInspection inspection = JournalInspection.open(dir, storage)) {
      JournalInspection.Summary summary = inspection.summary();

      assertThat(inspection.saas()).isTrue();
      assertThat(summary.carryPool()).containsExactly(Map.entry(new UsageKey(A, "users"), BigInteger.TWO));
      assertThat(summary.quarantinedBuyers()).containsOnlyKeys(B.key());
      assertThat(summary.quarantinedBuyers().get(B.key())).startsWith("CustomerNotSubscribed");
    }
  }

  @Test
  void customerTotalsPlaceEveryJournaledUnitOfEachBuyerAndDimension() {
    try (JournalInspection inspection = JournalInspection.open(dir, storage)) {
      List<CustomerTotals> totals = inspection.customerTotals(null);

      assertThat(totals).extracting(CustomerTotals::buyer, CustomerTotals::dimension).containsExactly(
          org.assertj.core.groups.Tuple.tuple(A, "users"),
          org.assertj.core.groups.Tuple.tuple(B, "requests"),
          org.assertj.core.groups.Tuple.tuple(B, "users"));
      CustomerTotals aUsers = totals.get(0);
      assertThat(aUsers.journalUnits()).isEqualTo(BigInteger.valueOf(6));
      assertThat(aUsers.acceptedUnits()).isEqualTo(BigInteger.valueOf(3));
      assertThat(aUsers.carryPoolUnits()).isEqualTo(BigInteger.TWO);
      assertThat(aUsers.pendingUnits()).as("the open hour's 1").isEqualTo(BigInteger.ONE);
      assertThat(aUsers.quarantined()).isNull();
      CustomerTotals bUsers = totals.get(2);
      assertThat(bUsers.deadLetteredUnits()).isEqualTo(BigInteger.valueOf(4));
      assertThat(bUsers.reports()).isEqualTo(1);
      assertThat(bUsers.quarantined()).startsWith("CustomerNotSubscribed");
      assertThat(totals).allSatisfy(t -> assertThat(t.journalUnits()).as(t.toString()).isEqualTo(
          t.acceptedUnits().add(t.deadLetteredUnits()).add(t.pendingUnits()).add(t.carryPoolUnits())));

      assertThat(inspection.customerTotals(b -> b.awsAccountId().equals("444455556666")))
          .extracting(CustomerTotals::buyer).containsOnly(B).hasSize(2);
    }
  }

  @Test
  void customerTotalsOfManyBuyersAreOneEntryPerBuyerAndDimension() {
    int buyers = Integer.getInteger("hourmeter.test.buyers", 20_000);
    MutableClock clock = MutableClock.atHour(H + 1);
    try (UsageJournal journal = storage.openJournal(new JournalSettings(dir, clock, 0, d -> Long.MAX_VALUE))) {
      int gpus = journal.dimensionId("gpus");
      for (int i = 0; i < buyers; i++) {
        int id = journal.customerId(Buyer.ofAccount(String.format("9%011d", i)).key());
        journal.append(gpus, id, i, 0);
        journal.append(gpus, id, 1, 0);
      }
    }
    try (JournalInspection inspection = JournalInspection.open(dir, storage)) {
      List<CustomerTotals> gpuTotals = inspection.customerTotals(null).stream()
          .filter(t -> t.dimension().equals("gpus")).toList();

      assertThat(gpuTotals).hasSize(buyers);
      assertThat(gpuTotals.get(7).buyer()).isEqualTo(Buyer.ofAccount("900000000007"));
      assertThat(gpuTotals.get(7).pendingUnits()).isEqualTo(BigInteger.valueOf(8));
    }
  }
}
