package io.hourmeter.internal.drain;

import java.math.BigInteger;

/**
 * A running sum of units that never wraps: it adds in a {@code long} with {@link Math#addExact} and,
 * on overflow, spills the sum into a {@link BigInteger}. Not thread-safe.
 */
final class UnitSum {
  private long small;
  private BigInteger big;
  /** Whether the sum changed since it was last checkpointed into the ledger (see {@link HourlyAggregation}). */
  boolean dirty;

  /** A sum that starts at {@code units}, as checkpointed (not dirty). */
  static UnitSum of(BigInteger units) {
    UnitSum sum = new UnitSum();
    if (units.bitLength() < Long.SIZE) {
      sum.small = units.longValue();
    } else {
      sum.big = units;
    }
    return sum;
  }

  void add(long units) {
    dirty = true;
    if (big != null) {
      big = big.add(BigInteger.valueOf(units));
      return;
    }
    try {
      small = Math.addExact(small, units);
    } catch (ArithmeticException overflow) {
      big = BigInteger.valueOf(small).add(BigInteger.valueOf(units));
    }
  }

  BigInteger total() {
    return big != null ? big : BigInteger.valueOf(small);
  }

  /** The sum, or {@link Long#MAX_VALUE} if it no longer fits, for status. */
  long saturated() {
    return big != null ? Long.MAX_VALUE : small;
  }

  boolean isZero() {
    return big == null ? small == 0 : big.signum() == 0;
  }
}
