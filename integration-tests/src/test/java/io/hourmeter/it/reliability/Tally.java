package io.hourmeter.it.reliability;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * In-process ground truth: units whose {@code record()} returned true or false, per dimension, and, for
 * the hour-boundary check, per (dimension, hour) when the clock read the same hour before and after the
 * call ("certain"), or per dimension when the call straddled an hour roll ("straddling"). Thread-safe.
 */
final class Tally {
  private final Map<String, LongAdder> recorded = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> certainByHour = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> straddlingByHour = new ConcurrentHashMap<>();

  void add(String dimension, long quantity, boolean journaled) {
    (journaled ? recorded : refused).computeIfAbsent(dimension, k -> new LongAdder()).add(quantity);
  }

  /** Also notes the hour: {@code hourBefore} and {@code hourAfter} are clock readings around the call. */
  void addTimed(String dimension, long quantity, boolean journaled, long hourBefore, long hourAfter) {
    add(dimension, quantity, journaled);
    if (!journaled) {
      return;
    }
    if (hourBefore == hourAfter) {
      certainByHour.computeIfAbsent(dimension + "@" + hourBefore, k -> new LongAdder()).add(quantity);
    } else {
      for (long h = hourBefore; h <= hourAfter; h++) {
        straddlingByHour.computeIfAbsent(dimension + "@" + h, k -> new LongAdder()).add(quantity);
      }
    }
  }

  GroundTruth truth() {
    return GroundTruth.of(sums(recorded), sums(refused));
  }

  Map<String, Long> certainByHour() {
    return sums(certainByHour);
  }

  Map<String, Long> straddlingByHour() {
    return sums(straddlingByHour);
  }

  private static Map<String, Long> sums(Map<String, LongAdder> adders) {
    Map<String, Long> out = new TreeMap<>();
    adders.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
