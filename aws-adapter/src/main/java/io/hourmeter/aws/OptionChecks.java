package io.hourmeter.aws;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The argument checks the adapter's builders share, so that each refuses an option set twice, a
 * non-positive duration or a count below one in the same words, naming the option. Stateless;
 * thread-safe.
 */
final class OptionChecks {

  private OptionChecks() { }

  /** Records {@code option} in {@code set}, or fails when it was set before. */
  static void once(Set<String> set, String option) {
    if (!set.add(option)) {
      throw new IllegalStateException(option + " was already set");
    }
  }

  /** {@code value}, or IllegalArgumentException naming {@code option} unless it is positive. */
  static Duration positive(Duration value, String option) {
    Objects.requireNonNull(value, option);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(option + " must be positive but was " + value);
    }
    return value;
  }

  /** {@code value}, or IllegalArgumentException naming {@code option} when it is below 1. */
  static int atLeastOne(int value, String option) {
    if (value < 1) {
      throw new IllegalArgumentException(option + " must be >= 1 but was " + value);
    }
    return value;
  }
}
