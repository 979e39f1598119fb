package io.hourmeter.internal.drain;

import io.hourmeter.Buyer;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import java.math.BigInteger;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The drainer's decoded view of the {@link ReportLedger}: reports, the journal checkpoint, the last
 * frozen hour, the carry pool, quarantined dimensions, counters, the journal units accounted per
 * hour and the checkpointed sums of open hours. It only changes through {@link #commit}, which writes a {@link LedgerTransaction} to the
 * ledger first and applies it in memory only once the ledger commit returned: memory never runs
 * ahead of what a restart would see.
 *
 * <p>Not thread-safe: the drainer thread owns it. The read-only inspection API builds its own.
 */
public final class LedgerState {
  /** Where reading starts in a fresh directory. */
  static final long NO_HOUR = Long.MIN_VALUE;

  private final ReportLedger ledger;
  private final TreeMap<Long, UsageReport> reports = new TreeMap<>();
  private final TreeMap<Long, UsageReport> unsettled = new TreeMap<>();
  private final Map<UsageKey, BigInteger> carryPool = new HashMap<>();
  private final Map<String, String> quarantined = new HashMap<>();
  private final Map<Buyer, String> quarantinedBuyers = new HashMap<>();
  private final TreeMap<Long, Map<UsageKey, BigInteger>> hourUnits = new TreeMap<>();
  private final TreeMap<Long, Map<UsageKey, BigInteger>> openSums = new TreeMap<>();
  private long checkpoint;
  private long frozenThrough = NO_HOUR;
  private long nextId = 1;
  private Counters counters = Counters.ZERO;
  private String mode;

  private LedgerState(ReportLedger ledger) {
    this.ledger = ledger;
  }

  /** Loads and decodes everything the ledger holds. */
  public static LedgerState load(ReportLedger ledger) {
    LedgerState state = new LedgerState(ledger);
    state.decode(ledger.load());
    return state;
  }

  /** Decodes a ledger snapshot without a ledger to commit to (read-only use). */
  public static LedgerState decodeSnapshot(SortedMap<String, String> entries) {
    LedgerState state = new LedgerState(null);
    state.decode(entries);
    return state;
  }

  private void decode(SortedMap<String, String> entries) {
    entries.forEach((key, value) -> {
      if (key.startsWith(LedgerCodec.REPORT_PREFIX)) {
        UsageReport report = LedgerCodec.decodeReport(value);
        reports.put(report.id(), report);
      } else if (key.startsWith(LedgerCodec.HOUR_PREFIX)) {
        hourUnits.put(Long.parseLong(key.substring(LedgerCodec.HOUR_PREFIX.length())),
            LedgerCodec.decodeUnits(value));
      } else if (key.startsWith(LedgerCodec.OPEN_PREFIX)) {
        openSums.computeIfAbsent(LedgerCodec.openHour(key), h -> new HashMap<>())
            .put(LedgerCodec.openUsageKey(key), new BigInteger(value));
      } else if (key.startsWith(LedgerCodec.CARRY_PREFIX)) {
        carryPool.put(UsageKey.decode(LedgerCodec.keySuffix(key, LedgerCodec.CARRY_PREFIX)), new BigInteger(value));
      } else if (key.startsWith(LedgerCodec.QUARANTINE_BUYER_PREFIX)) {
        quarantinedBuyers.put(Buyer.fromKey(LedgerCodec.keySuffix(key, LedgerCodec.QUARANTINE_BUYER_PREFIX)), value);
      } else if (key.startsWith(LedgerCodec.QUARANTINE_PREFIX)) {
        quarantined.put(LedgerCodec.keySuffix(key, LedgerCodec.QUARANTINE_PREFIX), value);
      } else if (key.equals(LedgerCodec.CHECKPOINT)) {
        checkpoint = Long.parseLong(value);
      } else if (key.equals(LedgerCodec.FROZEN_THROUGH)) {
        frozenThrough = Long.parseLong(value);
      } else if (key.equals(LedgerCodec.NEXT_ID)) {
        nextId = Long.parseLong(value);
      } else if (key.equals(LedgerCodec.COUNTERS)) {
        counters = LedgerCodec.decodeCounters(value);
      } else if (key.equals(LedgerCodec.MODE)) {
        mode = value;
      }
    });
    carryPool.values().removeIf(n -> n.signum() == 0);
    reports.values().forEach(this::index);
  }

  private void index(UsageReport report) {
    if (report.state().isFinal()) {
      unsettled.remove(report.id());
    } else {
      unsettled.put(report.id(), report);
    }
  }

  /** A new transaction against this state. */
  LedgerTransaction begin() {
    return new LedgerTransaction(this);
  }

  /** Writes the transaction to the ledger, then applies it here. Throws if the ledger commit fails. */
  void commit(LedgerTransaction tx) {
    if (tx.isEmpty()) {
      return;
    }
    Map<String, String> puts = new HashMap<>();
    Set<String> removes = new HashSet<>();
    tx.reportPuts.forEach((id, r) -> puts.put(LedgerCodec.reportKey(id), LedgerCodec.encodeReport(r)));
    tx.reportRemoves.forEach(id -> removes.add(LedgerCodec.reportKey(id)));
    tx.carryPuts.forEach((dim, n) -> {
      if (n.signum() == 0) {
        removes.add(LedgerCodec.carryKey(dim));
      } else {
        puts.put(LedgerCodec.carryKey(dim), n.toString());
      }
    });
    tx.quarantineRemoves.forEach(dim -> removes.add(LedgerCodec.quarantineKey(dim)));
    tx.quarantinePuts.forEach((dim, why) -> puts.put(LedgerCodec.quarantineKey(dim), why));
    tx.buyerQuarantineRemoves.forEach(buyer -> removes.add(LedgerCodec.quarantineKey(buyer)));
    tx.buyerQuarantinePuts.forEach((buyer, why) -> puts.put(LedgerCodec.quarantineKey(buyer), why));
    tx.hourPuts.forEach((hour, units) -> puts.put(LedgerCodec.hourKey(hour), LedgerCodec.encodeUnits(units)));
    tx.hourRemoves.forEach(hour -> removes.add(LedgerCodec.hourKey(hour)));
    tx.openHourRemoves.forEach(hour -> openSums.getOrDefault(hour, Map.of()).keySet()
        .forEach(key -> removes.add(LedgerCodec.openKey(hour, key))));
    tx.openPuts.forEach((hour, sums) -> sums.forEach((key, n) -> puts.put(LedgerCodec.openKey(hour, key), n.toString())));
    if (tx.checkpoint != null) {
      puts.put(LedgerCodec.CHECKPOINT, Long.toString(tx.checkpoint));
    }
    if (tx.frozenThrough != null) {
      puts.put(LedgerCodec.FROZEN_THROUGH, Long.toString(tx.frozenThrough));
    }
    if (tx.nextId != nextId) {
      puts.put(LedgerCodec.NEXT_ID, Long.toString(tx.nextId));
    }
    if (!tx.counters.equals(counters)) {
      puts.put(LedgerCodec.COUNTERS, LedgerCodec.encodeCounters(tx.counters));
    }
    if (tx.mode != null) {
      puts.put(LedgerCodec.MODE, tx.mode);
    }
    ledger.commit(puts, removes);
    apply(tx);
  }

  private void apply(LedgerTransaction tx) {
    reports.putAll(tx.reportPuts);
    tx.reportPuts.values().forEach(this::index);
    tx.reportRemoves.forEach(id -> {
      reports.remove(id);
      unsettled.remove(id);
    });
    tx.carryPuts.forEach((dim, n) -> {
      if (n.signum() == 0) {
        carryPool.remove(dim);
      } else {
        carryPool.put(dim, n);
      }
    });
    tx.quarantineRemoves.forEach(quarantined::remove);
    quarantined.putAll(tx.quarantinePuts);
    tx.buyerQuarantineRemoves.forEach(quarantinedBuyers::remove);
    quarantinedBuyers.putAll(tx.buyerQuarantinePuts);
    hourUnits.putAll(tx.hourPuts);
    tx.hourRemoves.forEach(hourUnits::remove);
    tx.openHourRemoves.forEach(openSums::remove);
    tx.openPuts.forEach((hour, sums) -> openSums.computeIfAbsent(hour, h -> new HashMap<>()).putAll(sums));
    if (tx.checkpoint != null) {
      checkpoint = tx.checkpoint;
    }
    if (tx.frozenThrough != null) {
      frozenThrough = tx.frozenThrough;
    }
    nextId = tx.nextId;
    counters = tx.counters;
    if (tx.mode != null) {
      mode = tx.mode;
    }
  }

  /** Every report by id, oldest first. Unmodifiable. */
  public NavigableMap<Long, UsageReport> reports() {
    return Collections.unmodifiableNavigableMap(reports);
  }

  /** Reports not yet final (FROZEN or IN_FLIGHT), by id: oldest first. Unmodifiable. */
  public NavigableMap<Long, UsageReport> unsettled() {
    return Collections.unmodifiableNavigableMap(unsettled);
  }

  /** Units waiting to go into the next report, per key (dimension, and buyer in SaaS). Unmodifiable. */
  public Map<UsageKey, BigInteger> carryPool() {
    return Collections.unmodifiableMap(carryPool);
  }

  /** Quarantined dimensions, with why. Unmodifiable. */
  public Map<String, String> quarantined() {
    return Collections.unmodifiableMap(quarantined);
  }

  /** SaaS buyers quarantined (CustomerNotSubscribed, an invalid id or license), with why. Unmodifiable. */
  public Map<Buyer, String> quarantinedBuyers() {
    return Collections.unmodifiableMap(quarantinedBuyers);
  }

  /** Journal units accounted per hour and key (frozen and late records). Unmodifiable. */
  public NavigableMap<Long, Map<UsageKey, BigInteger>> hourUnits() {
    return Collections.unmodifiableNavigableMap(hourUnits);
  }

  /**
   * The checkpoint of sums: per open (not yet frozen) hour and key, the units of the records below
   * {@link #checkpoint} that no report accounts for yet. A restart starts its sums from these and
   * reads only the records after the checkpoint. Unmodifiable.
   */
  public NavigableMap<Long, Map<UsageKey, BigInteger>> openSums() {
    return Collections.unmodifiableNavigableMap(openSums);
  }

  /**
   * Every journal record below this position is accounted for in this state: in a report, the hour
   * units, the carry pool, a dead letter, or the {@link #openSums} of its hour.
   */
  public long checkpoint() {
    return checkpoint;
  }

  /** The latest hour that has been frozen, or {@link Long#MIN_VALUE}. */
  public long frozenThrough() {
    return frozenThrough;
  }

  public long nextId() {
    return nextId;
  }

  public Counters counters() {
    return counters;
  }

  /** The mode the directory was first drained in, or {@code null}. */
  public String mode() {
    return mode;
  }
}
