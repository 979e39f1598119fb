package io.hourmeter.internal.drain;

import io.hourmeter.CarryPolicy;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import java.math.BigInteger;
import java.time.Instant;
import io.hourmeter.spi.UsageAllocation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a usage key's units (a dimension's, or a SaaS buyer's dimension's) into frozen reports inside a {@link LedgerTransaction}: one FROZEN report
 * of at most 2,147,483,647 units that includes the dimension's carry pool, with any rest carried
 * (or dead-lettered, by {@link CarryPolicy}); everything dead-lettered if the dimension is
 * quarantined. The report records how many of its units came from the pool
 * ({@link UsageReport#carriedUnits()}), so that a DuplicateRequest can give them back. The pool is included under either policy: under {@link CarryPolicy#DEAD_LETTER} it
 * holds only what an operator re-queued into it. Stateless apart from its settings; not thread-safe only because transactions are not.
 */
final class ReportFreezer {
  /** Builds the ClientToken of a new report, or returns {@code null} (hourly). */
  interface TokenSource {
    String token(String dimension, long reportId);
  }

  private static final BigInteger MAX = BigInteger.valueOf(UsageReport.MAX_QUANTITY);

  private final String productCode;
  private final CarryPolicy policy;

  ReportFreezer(String productCode, CarryPolicy policy) {
    this.productCode = productCode;
    this.policy = policy;
  }

  /** The most UsageAllocations one report carries (the model's limit). */
  static final int MAX_ALLOCATIONS = 2_500;

  /** Freezes one untagged key's units; see {@link #freeze(LedgerTransaction, SortedMap, long, Instant, long, long, TokenSource, Instant, String)}. */
  UsageReport freeze(LedgerTransaction tx, UsageKey key, BigInteger own, long epochHour,
      Instant timestamp, long rangeStart, long rangeEnd, TokenSource tokens, Instant now,
      String quarantineReason) {
    SortedMap<UsageKey, BigInteger> one = new TreeMap<>();
    one.put(key, own);
    return freeze(tx, one, epochHour, timestamp, rangeStart, rangeEnd, tokens, now, quarantineReason);
  }

  /**
   * Freezes the units of one (buyer, dimension), per tag set ({@code own}: every key of one
   * {@link UsageKey#base()}, each with its own units, zero for a key that only has a carry pool), plus
   * each tag set's carry pool, into {@code tx} as one report with one UsageAllocation per tag set (none
   * when all the usage is untagged), sorted by key.
   *
   * <p>What does not fit, by these rules, stays with its tag set: carried (its pool) under
   * {@link CarryPolicy#CARRY_FORWARD}, dead-lettered under {@link CarryPolicy#DEAD_LETTER}:
   * <ul>
   *   <li>More than 2,500 tag sets: the 2,500 with the most units (ties in key order) are sent; the
   *       others wait whole for a later report.</li>
   *   <li>More than 2,147,483,647 units: the report's quantity is divided among its tag sets in
   *       proportion to their units (rounded down), and the units the rounding leaves go one each to
   *       the largest tag sets first (never above a tag set's own units), so the allocations sum to
   *       the quantity.</li>
   * </ul>
   *
   * @return the FROZEN report to send, or {@code null} if nothing is to be sent
   */
  UsageReport freeze(LedgerTransaction tx, SortedMap<UsageKey, BigInteger> own, long epochHour,
      Instant timestamp, long rangeStart, long rangeEnd, TokenSource tokens, Instant now,
      String quarantineReason) {
    UsageKey base = own.firstKey().base();
    String dimension = base.dimension();
    List<UsageKey> keys = new ArrayList<>();
    Map<UsageKey, BigInteger> pools = new HashMap<>();
    Map<UsageKey, BigInteger> totals = new HashMap<>();
    for (Map.Entry<UsageKey, BigInteger> e : own.entrySet()) {
      BigInteger pool = tx.carry(e.getKey());
      pools.put(e.getKey(), pool);
      if (quarantineReason != null) {
        tx.setCarry(e.getKey(), BigInteger.ZERO);
        deadLetter(tx, e.getKey(), e.getValue().add(pool), epochHour, timestamp, rangeStart, rangeEnd, tokens,
            now, "dimension quarantined: " + quarantineReason);
        continue;
      }
      BigInteger total = e.getValue().add(pool);
      if (total.signum() > 0) {
        keys.add(e.getKey());
        totals.put(e.getKey(), total);
      }
    }
    if (keys.isEmpty()) {
      return null;
    }
    // Largest first, ties in key order: who is sent when more than 2,500 tag sets, who gets remainders.
    List<UsageKey> bySize = new ArrayList<>(keys);
    bySize.sort(Comparator.comparing((UsageKey k) -> totals.get(k)).reversed().thenComparing(k -> k));
    List<UsageKey> sentKeys = bySize.subList(0, Math.min(MAX_ALLOCATIONS, bySize.size()));
    for (UsageKey over : bySize.subList(sentKeys.size(), bySize.size())) {
      keep(tx, over, totals.get(over), pools.get(over), epochHour, timestamp, rangeStart, rangeEnd, tokens, now,
          "more than " + MAX_ALLOCATIONS + " tag sets in one report");
    }
    BigInteger total = BigInteger.ZERO;
    for (UsageKey k : sentKeys) {
      total = total.add(totals.get(k));
    }
    BigInteger sent = total.min(MAX);
    Map<UsageKey, BigInteger> shares = split(sentKeys, totals, total, sent);
    long id = tx.newId();
    long carriedIn = 0;
    List<UsageAllocation> allocations = new ArrayList<>();
    boolean tagged = sentKeys.size() > 1 || !sentKeys.get(0).tags().isEmpty();
    for (UsageKey k : new TreeSet<>(sentKeys)) {
      BigInteger share = shares.get(k);
      // Own units go first, so what stays in the pool is carried units before own ones.
      carriedIn += share.subtract(own.get(k).min(share)).longValueExact();
      if (tagged && share.signum() > 0) {
        allocations.add(new UsageAllocation(share.longValueExact(), k.tags().asMap()));
      }
      keep(tx, k, totals.get(k).subtract(share), pools.get(k), epochHour, timestamp, rangeStart, rangeEnd, tokens,
          now, "quantity over " + UsageReport.MAX_QUANTITY + " in one report");
    }
    UsageReport report = new UsageReport(id, productCode, dimension, epochHour, timestamp,
        sent.longValueExact(), allocations, tokens.token(dimension, id), rangeStart, rangeEnd, ReportState.FROZEN,
        0, false, null, null, now, carriedIn, base.buyer());
    tx.put(report);
    return report;
  }

  /**
   * Divides {@code sent} units among {@code keys} in proportion to their totals, rounded down, then
   * the rounding's remainder one unit each to the largest first, capped at each key's total.
   */
  static Map<UsageKey, BigInteger> split(List<UsageKey> bySize, Map<UsageKey, BigInteger> totals,
      BigInteger total, BigInteger sent) {
    Map<UsageKey, BigInteger> shares = new HashMap<>();
    if (sent.equals(total)) {
      bySize.forEach(k -> shares.put(k, totals.get(k)));
      return shares;
    }
    BigInteger given = BigInteger.ZERO;
    for (UsageKey k : bySize) {
      BigInteger share = totals.get(k).multiply(sent).divide(total);
      shares.put(k, share);
      given = given.add(share);
    }
    BigInteger left = sent.subtract(given);
    while (left.signum() > 0) {
      for (UsageKey k : bySize) {
        if (left.signum() > 0 && shares.get(k).compareTo(totals.get(k)) < 0) {
          shares.put(k, shares.get(k).add(BigInteger.ONE));
          left = left.subtract(BigInteger.ONE);
        }
      }
    }
    return shares;
  }

  /** Leaves {@code rest} units of a key for later: its carry pool, or dead letters, by policy. */
  private void keep(LedgerTransaction tx, UsageKey key, BigInteger rest, BigInteger pool, long epochHour,
      Instant timestamp, long rangeStart, long rangeEnd, TokenSource tokens, Instant now, String why) {
    if (policy == CarryPolicy.CARRY_FORWARD) {
      BigInteger newlyCarried = rest.subtract(pool).max(BigInteger.ZERO);
      tx.setCarry(key, rest);
      if (newlyCarried.signum() > 0) {
        tx.countCarried(newlyCarried);
      }
    } else {
      tx.setCarry(key, BigInteger.ZERO);
      deadLetter(tx, key, rest, epochHour, timestamp, rangeStart, rangeEnd, tokens, now, why);
    }
  }

  /** Dead-letters {@code units} as reports of at most MAX_QUANTITY each; returns them. */
  List<UsageReport> deadLetter(LedgerTransaction tx, UsageKey key, BigInteger units, long epochHour,
      Instant timestamp, long rangeStart, long rangeEnd, TokenSource tokens, Instant now, String reason) {
    List<UsageReport> letters = new ArrayList<>();
    BigInteger left = units;
    while (left.signum() > 0) {
      BigInteger chunk = left.min(MAX);
      left = left.subtract(chunk);
      long id = tx.newId();
      List<UsageAllocation> allocations = key.tags().isEmpty() ? List.of()
          : List.of(new UsageAllocation(chunk.longValueExact(), key.tags().asMap()));
      UsageReport frozen = new UsageReport(id, productCode, key.dimension(), epochHour, timestamp,
          chunk.longValueExact(), allocations, tokens.token(key.dimension(), id), rangeStart, rangeEnd,
          ReportState.FROZEN, 0, false, null, null, now, 0, key.buyer());
      UsageReport letter = frozen.finish(ReportState.DEAD_LETTERED, reason, now);
      tx.put(letter);
      letters.add(letter);
    }
    return letters;
  }
}
