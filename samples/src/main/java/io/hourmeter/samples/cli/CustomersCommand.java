package io.hourmeter.samples.cli;

import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.internal.inspect.JournalInspection.CustomerTotals;
import io.hourmeter.samples.support.Json;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code hourmeter customers}: per SaaS buyer and dimension, where its usage is: the units the journal
 * holds, and how many are accepted by AWS, dead-lettered, pending (open hours, reports not yet
 * answered) or in the carry pool ({@link JournalInspection#customerTotals}); the report count, and the
 * quarantine reason of a buyer AWS answered CustomerNotSubscribed or an invalid buyer for. One pass
 * over the journal and one over the ledger make every row, so 100,000 buyers cost a pass, not one per
 * buyer; {@code --json} writes each row as it goes (the table waits for its column widths).
 * {@code --customer} keeps one buyer (or one account's buyers).
 */
@Command(name = "customers", description = "SaaS: per customer and dimension, journal units and how many are "
    + "accepted, dead-lettered, pending or in the carry pool.")
final class CustomersCommand implements Callable<Integer> {
  @Mixin
  private JournalOptions options;

  @Mixin
  private CustomerFilter customers;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    try (JournalInspection inspection = JournalAccess.inspect(options)) {
      if (!inspection.saas()) {
        String mode = inspection.summary().mode();
        throw new CliFailure("customers is for SaaS directories; this one is metered in mode "
            + (mode == null ? "that is not known yet, and it has recorded no buyer" : mode) + " (see 'hourmeter hours')");
      }
      PrintWriter out = spec.commandLine().getOut();
      int[] count = {0};
      BigInteger[] sums = {BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO};
      RowTable table = new RowTable(true).column("customer", "customer").column("dimension", "dimension")
          .column("journal units", "journalUnits").column("accepted", "acceptedUnits")
          .column("dead-lettered", "deadLetteredUnits").column("pending", "pendingUnits")
          .column("carry pool", "carryPoolUnits").column("reports", "reports").column("quarantined", "quarantined");
      if (options.json) {
        out.print('[');
      }
      for (CustomerTotals t : inspection.customerTotals(customers.buyers())) {
        Map<String, Object> row = row(t);
        if (options.json) {
          out.print((count[0] == 0 ? "" : ",") + Json.write(row));
        } else {
          table.add(row);
        }
        count[0]++;
        sums[0] = sums[0].add(t.journalUnits());
        sums[1] = sums[1].add(t.acceptedUnits());
        sums[2] = sums[2].add(t.deadLetteredUnits());
        sums[3] = sums[3].add(t.pendingUnits());
        sums[4] = sums[4].add(t.carryPoolUnits());
      }
      if (options.json) {
        out.println(']');
        return 0;
      }
      out.print(table);
      out.println(count[0] + " customer-dimension(s); journal " + sums[0] + ", accepted " + sums[1]
          + ", dead-lettered " + sums[2] + ", pending " + sums[3] + ", carry pool " + sums[4] + " unit(s)");
      return 0;
    }
  }

  private static Map<String, Object> row(CustomerTotals t) {
    Map<String, Object> row = new LinkedHashMap<>();
    BuyerColumns.put(row, t.buyer());
    row.put("dimension", t.dimension());
    row.put("journalUnits", t.journalUnits());
    row.put("acceptedUnits", t.acceptedUnits());
    row.put("deadLetteredUnits", t.deadLetteredUnits());
    row.put("pendingUnits", t.pendingUnits());
    row.put("carryPoolUnits", t.carryPoolUnits());
    row.put("reports", t.reports());
    row.put("quarantined", t.quarantined());
    return row;
  }
}
