package io.hourmeter.journal;

import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A child JVM that commits numbered batches to the ledger until it is killed, continuing from the
 * batch number the ledger holds, and logs each batch number after its commit returned.
 *
 * <p>Arguments: ledger directory, log file.
 */
public final class LedgerCommitChild {
  private LedgerCommitChild() { }

  public static void main(String[] args) throws Exception {
    FileReportLedger ledger = FileReportLedger.open(Path.of(args[0]));
    String last = ledger.load().get("n");
    int next = last == null ? 0 : Integer.parseInt(last) + 1;
    try (OutputStream log = new FileOutputStream(args[1], true)) {
      System.out.println("READY");
      System.out.flush();
      for (int batch = next; ; batch++) {
        ledger.commit(puts(batch), removes(batch));
        log.write((batch + "\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
  }

  /** What batch {@code i} puts: its number, a 2 KB value, and a small one. */
  static Map<String, String> puts(int i) {
    Map<String, String> puts = new HashMap<>();
    puts.put("n", Integer.toString(i));
    puts.put("k/" + (i % 10), ("batch " + i + " ").repeat(2048 / 12));
    puts.put("r/" + (i % 7), "r" + i);
    return puts;
  }

  /** What batch {@code i} removes; sometimes a key it also puts, which must stay put. */
  static Set<String> removes(int i) {
    Set<String> removes = new HashSet<>();
    removes.add("r/" + ((i + 1) % 7));
    if (i % 3 == 0) {
      removes.add("k/" + ((i + 3) % 10));
    }
    if (i % 5 == 0) {
      removes.add("k/" + (i % 10));
    }
    return removes;
  }

  /** Applies batch {@code i} to a model of the ledger, as a commit must. */
  static void apply(int i, Map<String, String> model) {
    Map<String, String> puts = puts(i);
    for (String key : removes(i)) {
      if (!puts.containsKey(key)) {
        model.remove(key);
      }
    }
    model.putAll(puts);
  }
}
