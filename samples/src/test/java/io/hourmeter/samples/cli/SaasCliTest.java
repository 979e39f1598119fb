package io.hourmeter.samples.cli;

import static io.hourmeter.samples.cli.SaasJournal.A;
import static io.hourmeter.samples.cli.SaasJournal.B;
import static io.hourmeter.samples.cli.SaasJournal.C;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Buyer;
import io.hourmeter.internal.drain.LedgerCodec;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI on a SaaS directory that a real SAAS meter wrote ({@link SaasJournal}): every command names
 * each buyer, {@code --customer} selects one (by key or by account id), and {@code customers} gives
 * the per-buyer totals.
 */
class SaasCliTest {
  private static final String A_ROW = "\"customer\":\"acct:111122223333\",\"awsAccountId\":\"111122223333\","
      + "\"licenseArn\":null,\"customerIdentifier\":null";
  private static final String B_ROW = "\"customer\":\"" + B.key() + "\",\"awsAccountId\":\"444455556666\","
      + "\"licenseArn\":\"" + B.licenseArn() + "\",\"customerIdentifier\":null";
  private static final String C_ROW = "\"customer\":\"id:legacy-cust-7\",\"awsAccountId\":null,\"licenseArn\":null,"
      + "\"customerIdentifier\":\"legacy-cust-7\"";

  @TempDir
  Path dir;

  @Test
  void hoursHasARowPerCustomerWithItsBuyerFieldsAndTheMonthEndDeadline() throws Exception {
    try (SaasJournal saas = new SaasJournal(dir)) {
      CliRun json = saas.cli("hours", "--json");
      CliRun table = saas.cli("hours");

      assertThat(json.exitCode()).as(json.toString()).isZero();
      assertThat(json.out())
          .contains("{\"hour\":\"2026-11-30T23:00:00Z\"," + A_ROW + ",\"dimension\":\"users\",\"journalUnits\":5,"
              + "\"state\":\"ACCEPTED\"")
          .contains("{\"hour\":\"2026-11-30T23:00:00Z\"," + B_ROW + ",\"dimension\":\"users\",\"journalUnits\":4,"
              + "\"state\":\"DEAD_LETTERED\"")
          .contains("{\"hour\":\"2026-11-30T23:00:00Z\"," + C_ROW + ",\"dimension\":\"requests\",\"journalUnits\":7,"
              + "\"state\":\"ACCEPTED\"")
          .contains("{\"hour\":\"2026-12-01T00:00:00Z\"," + A_ROW + ",\"dimension\":\"users\",\"journalUnits\":1,"
              + "\"state\":\"OPEN\"");
      assertThat(json.out()).as("the month's last hour closes at the cut-off, 06:00 UTC on the 1st, not 24 h later")
          .contains("\"deadline\":\"2026-12-01T06:00:00Z\"").contains("\"deadline\":\"2026-12-02T00:00:00Z\"")
          .doesNotContain("\"deadline\":\"2026-12-01T23:00:00Z\"");
      assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("hour (UTC)            customer");
      assertThat(table.out()).contains("id:legacy-cust-7");
    }
  }

  @Test
  void hoursKeepsOneCustomerByKeyOrAllOfAnAccountsLicensesByAccountId() throws Exception {
    try (SaasJournal saas = new SaasJournal(dir)) {
      CliRun byKey = saas.cli("hours", "--customer", A.key(), "--json");
      CliRun byAccount = saas.cli("hours", "--customer", B.awsAccountId(), "--json");
      CliRun nobody = saas.cli("hours", "--customer", "acct:999999999999");

      assertThat(byKey.exitCode()).as(byKey.toString()).isZero();
      assertThat(byKey.out().split("\"hour\"")).hasSize(3);
      assertThat(byKey.out()).contains(A_ROW).doesNotContain(B.key()).doesNotContain("legacy-cust-7");
      assertThat(byAccount.out().split("\"hour\"")).hasSize(2);
      assertThat(byAccount.out()).contains(B_ROW).doesNotContain("acct:111122223333");
      assertThat(nobody.out()).contains("(no hours for this customer)");
    }
  }

  @Test
  void dumpShowsEachRecordsCustomerAndFiltersByCustomer() throws Exception {
    try (SaasJournal saas = new SaasJournal(dir)) {
      CliRun all = saas.cli("dump");
      CliRun legacy = saas.cli("dump", "--customer", C.key(), "--json");
      CliRun aUsers = saas.cli("dump", "--customer", "111122223333", "--dimension", "users", "--json");

      assertThat(all.exitCode()).as(all.toString()).isZero();
      assertThat(all.out()).contains("5 record(s)");
      assertThat(all.out().lines().findFirst().orElseThrow()).contains("hour (UTC)            customer");
      assertThat(all.out().lines().filter(l -> l.contains("acct:111122223333"))).hasSize(3);
      assertThat(legacy.out().split("\"position\"")).hasSize(2);
      assertThat(legacy.out()).contains("\"hour\":\"2026-11-30T23:00:00Z\"," + C_ROW
          + ",\"dimension\":\"requests\",\"quantity\":7,\"tagSet\":0,\"tags\":\"\"}");
      assertThat(aUsers.out().split("\"position\"")).hasSize(4);
      assertThat(aUsers.out()).doesNotContain(B.key());
    }
  }

  @Test
  void verifyChecksEveryCustomerAndNamesTheCustomerWhoseReportWasAltered() throws Exception {
    try (SaasJournal saas = new SaasJournal(dir)) {
      CliRun ok = saas.cli("verify");
      assertThat(ok.exitCode()).as(ok.toString()).isZero();
      assertThat(ok.out()).startsWith("verify: OK. 3 frozen hour-customer-dimension(s) match the ledger; "
          + "per-customer totals: 3 customer-dimension(s) through 2026-11-30T23:00:00Z");
      saas.close();
      alterAcceptedReportOf(saas, C);

      CliRun all = saas.cli("verify", "--json");
      CliRun onlyA = saas.cli("verify", "--customer", A.key());

      assertThat(all.exitCode()).as(all.toString()).isEqualTo(VerifyCommand.DIFFERENCE);
      assertThat(all.out()).contains("\"check\":\"dimension\",\"hour\":\"through 2026-11-30T23:00:00Z\"," + C_ROW
          + ",\"dimension\":\"requests\",\"journalUnits\":7,\"ledgerUnits\":8");
      assertThat(all.out().split("\"check\"")).as("C's alone").hasSize(2);
      assertThat(onlyA.exitCode()).as(onlyA.toString()).isZero();
      assertThat(onlyA.out()).contains("per-customer totals: 1 customer-dimension(s)");
    }
  }

  @Test
  void deadLettersShowTheBuyerAndReQueueOnlyTheNamedCustomersLetters() throws Exception {
    try (SaasJournal saas = new SaasJournal(dir)) {
      CliRun list = saas.cli("dead-letters", "--json");
      CliRun ofA = saas.cli("dead-letters", "--customer", A.key());
      saas.close();
      long bLetter = reportOf(saas, B).id();
      long aReport = reportOf(saas, A).id();

      assertThat(list.exitCode()).as(list.toString()).isZero();
      assertThat(list.out()).contains("\"reportId\":" + bLetter + ",\"hour\":\"2026-11-30T23:00:00Z\"," + B_ROW
          + ",\"dimension\":\"users\",\"quantity\":4,\"reason\":\"CustomerNotSubscribed");
      assertThat(ofA.out()).contains("0 dead letter(s)");

      CliRun requeueA = saas.cli("dead-letters", "--customer", A.key(), "--requeue", "--yes");
      CliRun wrongId = saas.cli("dead-letters", "--customer", B.key(), "--requeue", "--yes", "--id",
          Long.toString(aReport));
      assertThat(requeueA.exitCode()).as(requeueA.toString()).isZero();
      assertThat(requeueA.out()).contains("no dead letters to re-queue");
      assertThat(wrongId.exitCode()).isEqualTo(CliFailure.USAGE);
      assertThat(wrongId.err()).contains("report " + aReport + " is not a dead letter of customer " + B.key());
      assertThat(dir.resolve("hourmeter-requeue")).as("nothing requested yet").doesNotExist();

      CliRun requeueB = saas.cli("dead-letters", "--customer", B.awsAccountId(), "--requeue", "--yes", "--json");
      assertThat(requeueB.exitCode()).as(requeueB.toString()).isZero();
      assertThat(requeueB.out()).contains("\"reportId\":" + bLetter).contains("\"request\":");
    }
  }

  @Test
  void customersGivesEachCustomersJournalAcceptedDeadLetteredAndPendingUnits() throws Exception {
    try (SaasJournal saas = new SaasJournal(dir)) {
      CliRun json = saas.cli("customers", "--json");
      CliRun table = saas.cli("customers");
      CliRun onlyB = saas.cli("customers", "--customer", B.key(), "--json");

      assertThat(json.exitCode()).as(json.toString()).isZero();
      assertThat(json.out().strip()).isEqualTo("[{" + A_ROW + ",\"dimension\":\"users\",\"journalUnits\":6,"
          + "\"acceptedUnits\":5,\"deadLetteredUnits\":0,\"pendingUnits\":1,\"carryPoolUnits\":0,\"reports\":1,"
          + "\"quarantined\":null},"
          + "{" + B_ROW + ",\"dimension\":\"users\",\"journalUnits\":4,\"acceptedUnits\":0,\"deadLetteredUnits\":4,"
          + "\"pendingUnits\":0,\"carryPoolUnits\":0,\"reports\":1,\"quarantined\":\"CustomerNotSubscribed: "
          + "the buyer cannot use this product\"},"
          + "{" + C_ROW + ",\"dimension\":\"requests\",\"journalUnits\":7,\"acceptedUnits\":7,\"deadLetteredUnits\":0,"
          + "\"pendingUnits\":0,\"carryPoolUnits\":0,\"reports\":1,\"quarantined\":null}]");
      assertThat(table.out()).contains("3 customer-dimension(s); journal 17, accepted 12, dead-lettered 4, "
          + "pending 1, carry pool 0 unit(s)");
      assertThat(onlyB.out().split("\"customer\"")).hasSize(2);
      assertThat(onlyB.out()).contains(B_ROW);
    }
  }

  @Test
  void customersListsEveryOneOfAHundredThousandBuyers() throws Exception {
    int buyers = 100_000;
    InMemoryStorage storage = new InMemoryStorage();
    MutableClock clock = MutableClock.atHour(SaasJournal.H);
    try (UsageJournal journal = storage.openJournal(new JournalSettings(dir, clock, 0, d -> Long.MAX_VALUE))) {
      int users = journal.dimensionId("users");
      for (int i = 0; i < buyers; i++) {
        journal.append(users, journal.customerId(Buyer.ofAccount(String.format("7%011d", i)).key()), i, 0);
      }
    }
    Files.writeString(dir.resolve(JournalLayout.MARKER), "in-memory");

    CliRun json = CliRun.of(storage, "customers", dir.toString(), "--json");
    CliRun one = CliRun.of(storage, "customers", dir.toString(), "--customer", "700000054321");

    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(json.out().split("\"customer\":")).hasSize(buyers + 1);
    assertThat(json.out()).contains("{\"customer\":\"acct:700000099999\"");
    assertThat(one.out()).contains("acct:700000054321").contains("54321")
        .contains("1 customer-dimension(s); journal 54321, accepted 0, dead-lettered 0, pending 54321");
  }

  @Test
  void statusCountsCustomersWithPendingUnitsAndListsQuarantinedCustomers() throws Exception {
    try (SaasJournal saas = new SaasJournal(dir)) {
      CliRun json = saas.cli("status", "--json");

      assertThat(json.exitCode()).as(json.toString()).isZero();
      assertThat(json.out()).contains("\"mode\":\"SAAS\"")
          .contains("\"pendingUnitsByHour\":{\"2026-12-01T00:00:00Z\":{\"users\":1}}")
          .contains("\"customersWithPendingUnits\":1")
          .contains("\"quarantinedCustomers\":{\"" + B.key() + "\":\"CustomerNotSubscribed");
    }
  }

  @Test
  void aMalformedCustomerIsAOneLineUsageError() throws Exception {
    try (SaasJournal saas = new SaasJournal(dir)) {
      CliRun run = saas.cli("hours", "--customer", "bob");

      assertThat(run.exitCode()).isEqualTo(CliFailure.USAGE);
      assertThat(run.err().strip()).isEqualTo("hourmeter: --customer must be a buyer key (acct:<account id>, "
          + "acct:<account id>:<LicenseArn> or id:<CustomerIdentifier>) or an AWS account id, not 'bob'");
    }
  }

  @Test
  void anHourlyDirectoryRefusesCustomerAndTheCustomersView(@TempDir Path hourly) throws Exception {
    try (MeteredJournal journal = new MeteredJournal(hourly)) {
      for (String command : List.of("hours", "dump", "verify", "dead-letters")) {
        CliRun run = CliRun.of(command, hourly.toString(), "--customer", A.key());

        assertThat(run.exitCode()).as(command + ": " + run).isEqualTo(CliFailure.USAGE);
        assertThat(run.err()).as(command).startsWith("hourmeter: --customer is for SaaS directories");
      }
      CliRun customers = CliRun.of("customers", hourly.toString());
      assertThat(customers.exitCode()).isEqualTo(CliFailure.USAGE);
      assertThat(customers.err()).contains("customers is for SaaS directories; this one is metered in mode HOURLY");
    }
  }

  private static UsageReport reportOf(SaasJournal saas, Buyer buyer) {
    try (ReportLedger ledger = saas.storage.openLedger(saas.directory)) {
      return ledger.load().entrySet().stream().filter(e -> e.getKey().startsWith(LedgerCodec.REPORT_PREFIX))
          .map(e -> LedgerCodec.decodeReport(e.getValue())).filter(r -> buyer.equals(r.buyer()))
          .findFirst().orElseThrow();
    }
  }

  private static void alterAcceptedReportOf(SaasJournal saas, Buyer buyer) {
    UsageReport r = reportOf(saas, buyer);
    assertThat(r.state()).isEqualTo(ReportState.ACCEPTED);
    UsageReport altered = new UsageReport(r.id(), r.productCode(), r.dimension(), r.epochHour(), r.timestamp(),
        r.quantity() + 1, r.allocations(), r.clientToken(), r.rangeStart(), r.rangeEnd(), r.state(), r.attempts(),
        r.outcomeUnknown(), r.meteringRecordId(), r.reason(), r.updatedAt(), r.carriedUnits(), r.buyer());
    try (ReportLedger ledger = saas.storage.openLedger(saas.directory)) {
      ledger.commit(Map.of(LedgerCodec.reportKey(r.id()), LedgerCodec.encodeReport(altered)), Set.of());
    }
  }
}
