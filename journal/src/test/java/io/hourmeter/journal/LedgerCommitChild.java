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
 * batch number the ledger holds, and logs each batch number after its commit returned, followed by
 * {@link #COMPACTING} if that commit left a compaction half done.
 *
 * <p>Arguments: ledger directory, log file, and optionally a {@link Workload} name (default
 * {@code SMALL}).
 */
public final class LedgerCommitChild {
  static final String COMPACTING = " compacting";

  private LedgerCommitChild() { }

  /** What the batches hold, and the ledger's sizes for it. */
  enum Workload {
    /** A few keys, mostly overwritten: the ledger stays in one segment, compacted at each new one. */
    SMALL(FileReportLedger.Tuning.DEFAULT),
    /**
     * Also some 300 keys of 200 bytes, half of them removed and put again in turn, and 20 put once,
     * over segments of 32 KB compacted in steps of one commit's size: compaction of the oldest segment
     * is in progress nearly always.
     */
    SEGMENTED(new FileReportLedger.Tuning(16 * 1024, 32 * 1024, 32 * 1024, 1024, 1));

    final FileReportLedger.Tuning tuning;

    Workload(FileReportLedger.Tuning tuning) {
      this.tuning = tuning;
    }

    /** What batch {@code i} puts: its number, a 2 KB value, and a small one; more if SEGMENTED. */
    Map<String, String> puts(int i) {
      Map<String, String> puts = new HashMap<>();
      puts.put("n", Integer.toString(i));
      puts.put("k/" + (i % 10), ("batch " + i + " ").repeat(2048 / 12));
      puts.put("r/" + (i % 7), "r" + i);
      if (this == SEGMENTED) {
        puts.put("w/" + (i % 300), ("w" + i + " ").repeat(40));
        if (i < 20) {
          puts.put("pinned/" + i, "put once by batch " + i);
        }
      }
      return puts;
    }

    /** What batch {@code i} removes; sometimes a key it also puts, which must stay put. */
    Set<String> removes(int i) {
      Set<String> removes = new HashSet<>();
      removes.add("r/" + ((i + 1) % 7));
      if (i % 3 == 0) {
        removes.add("k/" + ((i + 3) % 10));
      }
      if (i % 5 == 0) {
        removes.add("k/" + (i % 10));
      }
      if (this == SEGMENTED && i % 2 == 0) {
        removes.add("w/" + ((i + 150) % 300));
      }
      return removes;
    }

    /** Applies batch {@code i} to a model of the ledger, as a commit must. */
    void apply(int i, Map<String, String> model) {
      Map<String, String> puts = puts(i);
      for (String key : removes(i)) {
        if (!puts.containsKey(key)) {
          model.remove(key);
        }
      }
      model.putAll(puts);
    }
  }

  public static void main(String[] args) throws Exception {
    Workload workload = args.length > 2 ? Workload.valueOf(args[2]) : Workload.SMALL;
    FileReportLedger ledger = FileReportLedger.open(Path.of(args[0]), workload.tuning);
    String last = ledger.load().get("n");
    int next = last == null ? 0 : Integer.parseInt(last) + 1;
    try (OutputStream log = new FileOutputStream(args[1], true)) {
      System.out.println("READY");
      System.out.flush();
      for (int batch = next; ; batch++) {
        ledger.commit(workload.puts(batch), workload.removes(batch));
        log.write((batch + (ledger.compacting() ? COMPACTING : "") + "\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
  }
}
