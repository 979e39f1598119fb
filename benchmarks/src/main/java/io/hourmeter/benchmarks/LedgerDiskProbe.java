package io.hourmeter.benchmarks;

import io.hourmeter.spi.ReportLedger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Set;

/**
 * Disk bytes per live report over simulated hours of a SaaS drainer: each hour puts {@code perHour}
 * reports (FROZEN, then ACCEPTED), in commits of {@link LedgerReports#FILL_BATCH}, and removes the
 * reports older than {@code windowHours}. After each hour it appends one JSON line: hour, live reports,
 * the ledger's {@code diskBytes()}, bytes per live report, and the hour's wall time.
 *
 * <p>Arguments: perHour windowHours hours label out.jsonl
 */
public final class LedgerDiskProbe {
  private LedgerDiskProbe() { }

  public static void main(String[] args) throws IOException {
    long perHour = Long.parseLong(args[0]);
    int window = Integer.parseInt(args[1]);
    int hours = Integer.parseInt(args[2]);
    String label = args[3];
    Path out = Path.of(args[4]);
    Path directory = BenchDirectories.create("ledger-disk");
    try (ReportLedger ledger = LedgerReports.open(directory)) {
      for (int hour = 0; hour < hours; hour++) {
        long started = System.nanoTime();
        long from = hour * perHour;
        long expired = (hour - window) * perHour;
        for (long start = from; start < from + perHour; start += LedgerReports.FILL_BATCH) {
          long end = start + LedgerReports.FILL_BATCH;
          ledger.commit(LedgerReports.puts(start, end, "FROZEN"), Set.of());
          Set<String> removes = expired >= 0
              ? LedgerReports.keys(expired + (start - from), expired + (end - from)) : Set.of();
          ledger.commit(LedgerReports.puts(start, end, "ACCEPTED"), removes);
        }
        long live = Math.min(hour + 1, window) * perHour;
        long disk = ledger.diskBytes();
        String line = String.format(Locale.ROOT,
            "{\"label\":\"%s\",\"hour\":%d,\"live\":%d,\"diskBytes\":%d,\"bytesPerLive\":%.1f,\"hourMillis\":%d}%n",
            label, hour, live, disk, (double) disk / live, (System.nanoTime() - started) / 1_000_000);
        System.out.print(line);
        Files.writeString(out, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
    } finally {
      BenchDirectories.delete(directory);
    }
  }
}
