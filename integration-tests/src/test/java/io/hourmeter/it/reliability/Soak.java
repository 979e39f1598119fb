package io.hourmeter.it.reliability;

import java.time.Duration;

/**
 * The two sizes of every scenario: the short one that runs in {@code mvn -B verify}, and the soak that
 * runs by hand with {@code -Dhourmeter.soak=true} (many more kills, hours and iterations).
 */
final class Soak {
  /** Whether this is a soak run. */
  static final boolean ON = Boolean.getBoolean("hourmeter.soak");

  private Soak() { }

  static int pick(int ci, int soak) {
    return ON ? Integer.getInteger("hourmeter.soak.scale", 1) * soak : ci;
  }

  /** Real time of one simulated hour in the child-JVM scenarios. */
  static Duration realHour() {
    return Duration.ofMillis(Long.getLong("hourmeter.realHourMillis", 5_000));
  }
}
