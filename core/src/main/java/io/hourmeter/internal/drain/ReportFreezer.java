package io.hourmeter.internal.drain;

import io.hourmeter.CarryPolicy;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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

  /**
   * Freezes {@code own} units of {@code dimension} (plus its carry pool) into {@code tx}.
   *
   * @return the FROZEN report to send, or {@code null} if nothing is to be sent
   */
  UsageReport freeze(LedgerTransaction tx, UsageKey key, BigInteger own, long epochHour,
      Instant timestamp, long rangeStart, long rangeEnd, TokenSource tokens, Instant now,
      String quarantineReason) {
    String dimension = key.dimension();
    BigInteger pool = tx.carry(key);
    BigInteger total = own.add(pool);
    if (quarantineReason != null) {
      tx.setCarry(key, BigInteger.ZERO);
      deadLetter(tx, key, own.add(pool), epochHour, timestamp, rangeStart, rangeEnd, tokens, now,
          "dimension quarantined: " + quarantineReason);
      return null;
    }
    if (total.signum() == 0) {
      return null;
    }
    BigInteger sent = total.min(MAX);
    BigInteger rest = total.subtract(sent);
    long id = tx.newId();
    // Own units go first, so what stays in the pool is carried units before own ones.
    long carriedIn = sent.subtract(own.min(sent)).longValueExact();
    UsageReport report = new UsageReport(id, productCode, dimension, epochHour, timestamp,
        sent.longValueExact(), List.of(), tokens.token(dimension, id), rangeStart, rangeEnd, ReportState.FROZEN,
        0, false, null, null, now, carriedIn, key.buyer());
    tx.put(report);
    if (policy == CarryPolicy.CARRY_FORWARD) {
      BigInteger newlyCarried = rest.subtract(pool).max(BigInteger.ZERO);
      tx.setCarry(key, rest);
      if (newlyCarried.signum() > 0) {
        tx.countCarried(newlyCarried);
      }
    } else {
      tx.setCarry(key, BigInteger.ZERO);
      deadLetter(tx, key, rest, epochHour, timestamp, rangeStart, rangeEnd, tokens, now,
          "quantity over " + UsageReport.MAX_QUANTITY + " in one report");
    }
    return report;
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
      UsageReport frozen = new UsageReport(id, productCode, key.dimension(), epochHour, timestamp,
          chunk.longValueExact(), List.of(), tokens.token(key.dimension(), id), rangeStart, rangeEnd,
          ReportState.FROZEN, 0, false, null, null, now, 0, key.buyer());
      UsageReport letter = frozen.finish(ReportState.DEAD_LETTERED, reason, now);
      tx.put(letter);
      letters.add(letter);
    }
    return letters;
  }
}
