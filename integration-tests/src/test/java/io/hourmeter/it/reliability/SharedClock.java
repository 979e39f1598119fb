package io.hourmeter.it.reliability;

import io.hourmeter.local.AcceleratedClock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;

/**
 * The simulated time every process of a scenario shares: the test JVM (and its endpoint) and each child
 * JVM build the same {@link AcceleratedClock} from these three numbers, so a child restarted after
 * SIGKILL carries on in the same simulated hour, and the endpoint's six-hour window agrees with it.
 *
 * @param simulatedStart the simulated instant at {@code baseStart}; an hour boundary
 * @param baseStart      the real instant the simulation started
 * @param realHour       how much real time one simulated hour takes
 */
record SharedClock(Instant simulatedStart, Instant baseStart, Duration realHour) {

  /** A simulation that starts now, at the start of the current real hour. */
  static SharedClock startingNow(Duration realHour) {
    Instant now = Instant.now();
    Instant hourStart = Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), 3600) * 3600);
    return new SharedClock(hourStart, now, realHour);
  }

  /**
   * A simulation whose hour 0 starts {@code preRoll} (real time) from now, at an hour boundary: the
   * processes of a scenario start during the pre-roll (at simulated times before {@link #hour(long)
   * hour(0)}), so that hours counted from 0 run with all of them up however slowly they start.
   */
  static SharedClock startingIn(Duration preRoll, Duration realHour) {
    Instant now = Instant.now();
    Instant hourStart = Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), 3600) * 3600);
    return new SharedClock(hourStart, now.plus(preRoll), realHour);
  }

  AcceleratedClock clock() {
    return AcceleratedClock.of(InstantSource.system(), simulatedStart, baseStart,
        (double) Duration.ofHours(1).toMillis() / realHour.toMillis());
  }

  /** Simulated duration {@code simulated} in real time. */
  Duration real(Duration simulated) {
    return Duration.ofMillis(Math.max(1, simulated.toMillis() * realHour.toMillis() / 3_600_000L));
  }

  /** The simulated instant {@code hours} simulated hours after the start. */
  Instant hour(long hours) {
    return simulatedStart.plus(Duration.ofHours(hours));
  }

  /** The epoch hour of the start. */
  long startEpochHour() {
    return Math.floorDiv(simulatedStart.getEpochSecond(), 3600);
  }

  void putArgs(Map<String, String> args) {
    args.put("simStart", Long.toString(simulatedStart.toEpochMilli()));
    args.put("baseStart", Long.toString(baseStart.toEpochMilli()));
    args.put("realHourMillis", Long.toString(realHour.toMillis()));
  }

  static SharedClock fromArgs(Map<String, String> args) {
    return new SharedClock(Instant.ofEpochMilli(Long.parseLong(args.get("simStart"))),
        Instant.ofEpochMilli(Long.parseLong(args.get("baseStart"))),
        Duration.ofMillis(Long.parseLong(args.get("realHourMillis"))));
  }
}
