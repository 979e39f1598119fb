package io.hourmeter.testing;

import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.JournalVisitor;
import io.hourmeter.spi.UsageJournal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A journal in memory, for tests: not durable, but faithful to the port's contract (hours by the
 * injected clock, positions ordered by hour, the free-space guard). Reopening through the same
 * {@link InMemoryStorage} sees the same records.
 */
public final class InMemoryUsageJournal implements UsageJournal {
  private static final int RECORD_BYTES = 20;

  /** What survives a reopen. */
  static final class State {
    final String journalId = UUID.randomUUID().toString().replace("-", "");
    final List<JournalRecord> records = new ArrayList<>();
    final Map<String, Integer> dimensionIds = new HashMap<>();
    final Map<String, Integer> customerIds = new HashMap<>();
    final Map<String, Integer> tagSetIds = new HashMap<>();
    final Map<Long, Integer> nextSequence = new HashMap<>();
    final TreeSet<Long> deletedHours = new TreeSet<>();
  }

  private final JournalSettings settings;
  private final State state;
  private volatile boolean closed;

  InMemoryUsageJournal(JournalSettings settings, State state) {
    this.settings = settings;
    this.state = state;
  }

  @Override
  public Path directory() {
    return settings.directory();
  }

  @Override
  public String journalId() {
    return state.journalId;
  }

  @Override
  public int dimensionId(String dimension) {
    synchronized (state) {
      return state.dimensionIds.computeIfAbsent(dimension, name -> state.dimensionIds.size() + 1);
    }
  }

  @Override
  public Map<Integer, String> dimensions() {
    synchronized (state) {
      Map<Integer, String> byId = new HashMap<>();
      state.dimensionIds.forEach((name, id) -> byId.put(id, name));
      return Map.copyOf(byId);
    }
  }

  @Override
  public boolean supportsCustomers() {
    return true;
  }

  @Override
  public int customerId(String customerKey) {
    synchronized (state) {
      return state.customerIds.computeIfAbsent(customerKey, key -> state.customerIds.size() + 1);
    }
  }

  @Override
  public Map<Integer, String> customers(int fromId) {
    synchronized (state) {
      Map<Integer, String> byId = new HashMap<>();
      state.customerIds.forEach((key, id) -> {
        if (id >= fromId) {
          byId.put(id, key);
        }
      });
      return Map.copyOf(byId);
    }
  }

  @Override
  public int tagSetId(String encodedTags) {
    synchronized (state) {
      return state.tagSetIds.computeIfAbsent(encodedTags, key -> state.tagSetIds.size() + 1);
    }
  }

  @Override
  public Map<Integer, String> tagSets(int fromId) {
    synchronized (state) {
      Map<Integer, String> byId = new HashMap<>();
      state.tagSetIds.forEach((key, id) -> {
        if (id >= fromId) {
          byId.put(id, key);
        }
      });
      return Map.copyOf(byId);
    }
  }

  @Override
  public boolean append(int dimensionId, long quantity, int tagSetId) {
    return append(dimensionId, 0, quantity, tagSetId);
  }

  @Override
  public boolean append(int dimensionId, int customerId, long quantity, int tagSetId) {
    if (closed || diskLow()) {
      return false;
    }
    long hour = Math.floorDiv(settings.clock().millis(), 3_600_000L);
    synchronized (state) {
      if (closed) {
        return false;
      }
      long lastHour = state.records.isEmpty() ? hour : state.records.get(state.records.size() - 1).epochHour();
      long cycle = Math.max(hour, lastHour);
      int sequence = state.nextSequence.merge(cycle, 1, Integer::sum) - 1;
      state.records.add(new JournalRecord(firstPositionOfHour(cycle) + sequence, cycle, dimensionId, customerId, quantity,
          tagSetId));
    }
    return true;
  }

  @Override
  public JournalReader reader(long fromPosition) {
    return new Reader(fromPosition);
  }

  @Override
  public long firstPositionOfHour(long epochHour) {
    return epochHour << 32;
  }

  @Override
  public NavigableSet<Long> hours() {
    synchronized (state) {
      TreeSet<Long> hours = new TreeSet<>();
      for (JournalRecord record : state.records) {
        hours.add(record.epochHour());
      }
      hours.removeAll(state.deletedHours);
      return hours;
    }
  }

  @Override
  public boolean deleteHour(long epochHour) {
    synchronized (state) {
      long current = Math.floorDiv(settings.clock().millis(), 3_600_000L);
      if (epochHour >= current || !hours().contains(epochHour)) {
        return false;
      }
      state.records.removeIf(record -> record.epochHour() == epochHour);
      state.deletedHours.add(epochHour);
      return true;
    }
  }

  @Override
  public long diskBytes() {
    synchronized (state) {
      return (long) state.records.size() * RECORD_BYTES;
    }
  }

  @Override
  public boolean diskLow() {
    return settings.freeSpaceProbe().usableBytes(settings.directory()) < settings.minFreeDiskBytes();
  }

  @Override
  public void close() {
    closed = true;
  }

  private final class Reader implements JournalReader {
    private long position;

    Reader(long fromPosition) {
      this.position = fromPosition;
    }

    @Override
    public int read(JournalVisitor visitor, int maxRecords) {
      List<JournalRecord> batch = new ArrayList<>();
      synchronized (state) {
        List<JournalRecord> records = state.records;
        for (int i = firstAtOrAfter(records, position); i < records.size() && batch.size() < maxRecords; i++) {
          batch.add(records.get(i));
        }
      }
      for (JournalRecord record : batch) {
        visitor.onRecord(record.position(), record.epochHour(), record.dimensionId(), record.customerId(), record.quantity(),
            record.tagSetId());
        position = record.position() + 1;
      }
      return batch.size();
    }

    /** Records are kept in position order (appends never go to an older hour), so a binary search finds it. */
    private static int firstAtOrAfter(List<JournalRecord> records, long position) {
      int low = 0;
      int high = records.size();
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (records.get(mid).position() < position) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return low;
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public void close() { }
  }
}
