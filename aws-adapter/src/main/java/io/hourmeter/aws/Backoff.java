package io.hourmeter.aws;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * Capped exponential backoff with jitter, as the adapter's builders take it: the wait after the n-th
 * failure is {@code initial * multiplier^(n-1)}, randomized by &plusmn;{@code jitter}, capped at
 * {@code max}. Validated on construction, naming the {@code backoff} option (or, built by
 * {@link #named}, the option the user set it with). Immutable.
 *
 * @param initial    the first wait
 * @param multiplier the growth per failure, at least 1
 * @param jitter     the randomization, within [0, 1)
 * @param max        the cap, not below {@code initial}
 */
record Backoff(Duration initial, double multiplier, double jitter, Duration max) {

  Backoff {
    check("backoff", initial, multiplier, jitter, max);
  }

  /**
   * A backoff whose IllegalArgumentException names {@code option} instead of {@code backoff}, for a
   * builder that takes it under another name ({@code CustomerResolverBuilder.retries}).
   */
  static Backoff named(String option, Duration initial, double multiplier, double jitter, Duration max) {
    check(option, initial, multiplier, jitter, max);
    return new Backoff(initial, multiplier, jitter, max);
  }

  private static void check(String option, Duration initial, double multiplier, double jitter, Duration max) {
    OptionChecks.positive(initial, option + " initial");
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException(option + " multiplier must be >= 1 but was " + multiplier);
    }
    if (!(jitter >= 0 && jitter < 1)) {
      throw new IllegalArgumentException(option + " jitter must be within [0, 1) but was " + jitter);
    }
    OptionChecks.positive(max, option + " max");
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(option + " max " + max + " is below " + option + " initial " + initial);
    }
  }

  /** The waits, for Resilience4j's {@link IntervalFunction} ({@code apply(n)}, n from 1). */
  IntervalFunction intervals() {
    return IntervalFunction.ofExponentialRandomBackoff(initial, multiplier, jitter, max);
  }

  /** The first failure count whose un-jittered wait reaches the cap (at most 64). */
  int attemptsToReachCap() {
    double interval = initial.toMillis();
    int attempt = 1;
    while (interval < max.toMillis() && attempt < 64 && multiplier > 1.0) {
      interval *= multiplier;
      attempt++;
    }
    return attempt;
  }
}
