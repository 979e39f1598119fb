package io.hourmeter.testing;

import io.hourmeter.spi.ReportLedger;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/** A ledger in memory, for tests. Reopening through the same {@link InMemoryStorage} sees the same state. */
public final class InMemoryReportLedger implements ReportLedger {
  private final TreeMap<String, String> entries;
  private volatile boolean closed;

  InMemoryReportLedger(TreeMap<String, String> entries) {
    this.entries = entries;
  }

  @Override
  public SortedMap<String, String> load() {
    synchronized (entries) {
      return new TreeMap<>(entries);
    }
  }

  @Override
  public void commit(Map<String, String> puts, Set<String> removes) {
    if (closed) {
      throw new IllegalStateException("ledger is closed");
    }
    synchronized (entries) {
      removes.forEach(entries::remove);
      entries.putAll(puts);
    }
  }

  @Override
  public long diskBytes() {
    synchronized (entries) {
      return entries.entrySet().stream().mapToLong(e -> e.getKey().length() + e.getValue().length()).sum();
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
