package io.hourmeter.internal.drain;

import io.hourmeter.Buyer;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Changes to a {@link LedgerState} that commit together or not at all. Counters follow report
 * transitions here, in one place, so they can never disagree with the reports. Not thread-safe.
 */
final class LedgerTransaction {
  private final LedgerState base;
  final Map<Long, UsageReport> reportPuts = new LinkedHashMap<>();
  final Set<Long> reportRemoves = new HashSet<>();
  final Map<UsageKey, BigInteger> carryPuts = new HashMap<>();
  final Map<String, String> quarantinePuts = new HashMap<>();
  final Set<String> quarantineRemoves = new HashSet<>();
  final Map<Buyer, String> buyerQuarantinePuts = new HashMap<>();
  final Set<Buyer> buyerQuarantineRemoves = new HashSet<>();
  final Map<Long, Map<UsageKey, BigInteger>> hourPuts = new HashMap<>();
  final Set<Long> hourRemoves = new HashSet<>();
  final Map<Long, Map<UsageKey, BigInteger>> openPuts = new HashMap<>();
  final Set<Long> openHourRemoves = new HashSet<>();
  Long checkpoint;
  Long frozenThrough;
  long nextId;
  Counters counters;
  String mode;

  LedgerTransaction(LedgerState base) {
    this.base = base;
    this.nextId = base.nextId();
    this.counters = base.counters();
  }

  boolean isEmpty() {
    return reportPuts.isEmpty() && reportRemoves.isEmpty() && carryPuts.isEmpty() && quarantinePuts.isEmpty() && quarantineRemoves.isEmpty()
        && buyerQuarantinePuts.isEmpty() && buyerQuarantineRemoves.isEmpty()
        && hourPuts.isEmpty() && hourRemoves.isEmpty() && openPuts.isEmpty() && openHourRemoves.isEmpty()
        && checkpoint == null && frozenThrough == null
        && nextId == base.nextId() && counters.equals(base.counters()) && mode == null;
  }

  long newId() {
    return nextId++;
  }

  /** The report as this transaction would leave it. */
  UsageReport report(long id) {
    UsageReport pending = reportPuts.get(id);
    return pending != null ? pending : base.reports().get(id);
  }

  /** Puts a report (new or changed), updating the counters for the transition. */
  LedgerTransaction put(UsageReport next) {
    UsageReport previous = report(next.id());
    ReportState from = previous == null ? null : previous.state();
    if (next.state() != from) {
      if (next.state() == ReportState.ACCEPTED) {
        counters = counters.accepted(next.quantity());
      } else if (next.state() == ReportState.CARRIED) {
        counters = counters.carried(next.quantity());
      } else if (next.state() == ReportState.DEAD_LETTERED) {
        counters = counters.deadLettered(1, next.quantity());
      }
      if (from == ReportState.DEAD_LETTERED) {
        counters = counters.deadLettered(-1, -previous.quantity());
      }
    }
    reportPuts.put(next.id(), next);
    return this;
  }

  LedgerTransaction remove(long reportId) {
    reportRemoves.add(reportId);
    return this;
  }

  /** The carry pool of a key as this transaction would leave it. */
  BigInteger carry(UsageKey key) {
    BigInteger pending = carryPuts.get(key);
    if (pending != null) {
      return pending;
    }
    return base.carryPool().getOrDefault(key, BigInteger.ZERO);
  }

  /** Adds units to a dimension's carry pool that did not come from a CARRIED report's quantity. */
  LedgerTransaction addCarry(UsageKey key, BigInteger units, boolean countAsCarried) {
    if (units.signum() == 0) {
      return this;
    }
    carryPuts.put(key, carry(key).add(units));
    if (countAsCarried) {
      countCarried(units);
    }
    return this;
  }

  /**
   * Puts {@code units} of a report back into the carry pools of its tag sets, so carried usage keeps
   * its tags: all of them when they are the report's quantity, else divided among its allocations as
   * {@link ReportFreezer#split} divides a report (in proportion, the remainder to the largest). A
   * report without allocations has one pool, its {@link UsageReport#key()}.
   */
  LedgerTransaction addCarry(UsageReport report, long units, boolean countAsCarried) {
    if (report.allocations().isEmpty()) {
      return addCarry(report.key(), BigInteger.valueOf(units), countAsCarried);
    }
    java.util.Map<UsageKey, BigInteger> byTags = new java.util.HashMap<>();
    java.util.List<UsageKey> bySize = new java.util.ArrayList<>();
    for (io.hourmeter.spi.UsageAllocation a : report.allocations()) {
      UsageKey key = new UsageKey(report.buyer(), report.dimension(),
          a.tags().isEmpty() ? io.hourmeter.Tags.NONE : io.hourmeter.Tags.of(a.tags()));
      byTags.merge(key, BigInteger.valueOf(a.quantity()), BigInteger::add);
      if (!bySize.contains(key)) {
        bySize.add(key);
      }
    }
    bySize.sort(java.util.Comparator.comparing((UsageKey k) -> byTags.get(k)).reversed().thenComparing(k -> k));
    ReportFreezer.split(bySize, byTags, BigInteger.valueOf(report.quantity()), BigInteger.valueOf(units))
        .forEach((key, share) -> addCarry(key, share, countAsCarried));
    return this;
  }

  /** Counts units as carried that entered the pool without a CARRIED report. */
  LedgerTransaction countCarried(BigInteger units) {
    counters = counters.carried(units.min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact());
    return this;
  }

  LedgerTransaction unquarantine(String dimension) {
    quarantineRemoves.add(dimension);
    return this;
  }

  LedgerTransaction setCarry(UsageKey key, BigInteger units) {
    carryPuts.put(key, units);
    return this;
  }

  /** Quarantines a SaaS buyer: its reports wait, and one is tried again slowly. */
  LedgerTransaction quarantine(Buyer buyer, String why) {
    buyerQuarantinePuts.put(buyer, why);
    buyerQuarantineRemoves.remove(buyer);
    return this;
  }

  LedgerTransaction unquarantine(Buyer buyer) {
    buyerQuarantineRemoves.add(buyer);
    buyerQuarantinePuts.remove(buyer);
    return this;
  }

  LedgerTransaction quarantine(String dimension, String why) {
    quarantinePuts.put(dimension, why);
    return this;
  }

  /** Adds journal units accounted for an hour (for {@code verify}). */
  LedgerTransaction addHourUnits(long epochHour, UsageKey key, BigInteger units) {
    Map<UsageKey, BigInteger> units0 = hourPuts.computeIfAbsent(epochHour, h -> {
      Map<UsageKey, BigInteger> existing = base.hourUnits().get(h);
      return existing == null ? new HashMap<>() : new HashMap<>(existing);
    });
    units0.merge(key, units, BigInteger::add);
    return this;
  }

  /** Checkpoints an open hour's sum of a key: the units read for it so far. */
  LedgerTransaction openSum(long epochHour, UsageKey key, BigInteger units) {
    if (openHourRemoves.contains(epochHour)) {
      throw new IllegalStateException("hour " + epochHour + " is both dropped and checkpointed");
    }
    openPuts.computeIfAbsent(epochHour, h -> new HashMap<>()).put(key, units);
    return this;
  }

  /** Drops an hour's checkpointed sums: it is frozen (or late) now, and its units are accounted there. */
  LedgerTransaction dropOpenSums(long epochHour) {
    if (base.openSums().containsKey(epochHour)) {
      openHourRemoves.add(epochHour);
    }
    openPuts.remove(epochHour);
    return this;
  }

  LedgerTransaction removeHour(long epochHour) {
    hourRemoves.add(epochHour);
    return this;
  }

  LedgerTransaction checkpoint(long position) {
    if (position != base.checkpoint()) {
      checkpoint = position;
    }
    return this;
  }

  LedgerTransaction frozenThrough(long epochHour) {
    frozenThrough = epochHour;
    return this;
  }

  LedgerTransaction mode(String name) {
    mode = name;
    return this;
  }
}
