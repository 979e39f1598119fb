package io.hourmeter.internal.drain;

/**
 * Totals kept in the ledger since the journal directory was created. Additions saturate at
 * {@link Long#MAX_VALUE} rather than wrap. Immutable.
 */
public record Counters(long acceptedReports, long acceptedUnits, long carriedUnits,
    long deadLetteredReports, long deadLetteredUnits) {

  public static final Counters ZERO = new Counters(0, 0, 0, 0, 0);

  Counters accepted(long units) {
    return new Counters(plus(acceptedReports, 1), plus(acceptedUnits, units), carriedUnits,
        deadLetteredReports, deadLetteredUnits);
  }

  Counters carried(long units) {
    return new Counters(acceptedReports, acceptedUnits, plus(carriedUnits, units), deadLetteredReports,
        deadLetteredUnits);
  }

  Counters deadLettered(long reports, long units) {
    return new Counters(acceptedReports, acceptedUnits, carriedUnits,
        Math.max(0, plus(deadLetteredReports, reports)), Math.max(0, plus(deadLetteredUnits, units)));
  }

  static long plus(long a, long b) {
    long sum = a + b;
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return sum;
  }
}
