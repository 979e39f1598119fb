package io.hourmeter.benchmarks;

import io.hourmeter.journal.ChronicleStorageProvider;
import io.hourmeter.spi.ReportLedger;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * SaaS-shaped ledger contents for the ledger benchmarks: keys {@code report/<19-digit id>} and values of
 * about 300 characters of text, as core writes a report's state. Every report is first put FROZEN and
 * later overwritten ACCEPTED, as the sender does, so that a filled ledger carries the garbage of a real
 * one.
 *
 * <p>Thread-safety: stateless.
 */
final class LedgerReports {
  /** Reports per commit when filling a ledger. */
  static final int FILL_BATCH = 1_000;
  private static final String PAD = "x".repeat(400);

  private LedgerReports() { }

  /** The ledger of {@code directory}, opened through the journal module's public provider. */
  static ReportLedger open(Path directory) {
    return new ChronicleStorageProvider().openLedger(directory);
  }

  static String key(long id) {
    String digits = Long.toString(id);
    return "report/" + "0".repeat(19 - digits.length()) + digits;
  }

  /** A report's text in a given state, about 300 characters. */
  static String value(long id, String state) {
    String text = state + " dim=users hour=2026-12-02T15:00Z cust=cust-" + (id % 9973)
        + " q=" + (id * 7 % 100_000) + " rec=" + Long.toHexString(id * 0x9E3779B97F4A7C15L)
        + "-" + Long.toHexString(~id) + " tries=1 sent=2026-12-02T16:00:01Z ";
    return text + PAD.substring(0, Math.max(0, 300 - text.length()));
  }

  /** Puts reports {@code [from, to)} FROZEN, then ACCEPTED, in commits of {@link #FILL_BATCH}. */
  static void fill(ReportLedger ledger, long from, long to) {
    for (long start = from; start < to; start += FILL_BATCH) {
      long end = Math.min(to, start + FILL_BATCH);
      ledger.commit(puts(start, end, "FROZEN"), Set.of());
      ledger.commit(puts(start, end, "ACCEPTED"), Set.of());
    }
  }

  static Map<String, String> puts(long from, long to, String state) {
    Map<String, String> puts = new HashMap<>();
    for (long id = from; id < to; id++) {
      puts.put(key(id), value(id, state));
    }
    return puts;
  }

  static Set<String> keys(long from, long to) {
    Set<String> keys = new HashSet<>();
    for (long id = from; id < to; id++) {
      keys.add(key(id));
    }
    return keys;
  }
}
