package io.hourmeter.benchmarks;

import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import java.nio.file.Path;
import java.time.InstantSource;

/** Writes a journal of many 1-unit records through the real meter, alternating two dimensions. */
final class JournalFill {

  private JournalFill() { }

  /**
   * Records {@code records} units in {@code directory} with the drainer thread off, as a process killed
   * before its drainer read anything would leave them, then closes the meter (leaving the hour open).
   */
  static void fillUnread(Path directory, InstantSource clock, long records) {
    try (Meter meter = MeterFixture.builder(directory, clock, MeterFixture.acceptingSubmitter())
        .drainerThread(false)
        .build()) {
      record(meter, records);
    }
  }

  /** Records {@code records} units, alternating the two dimensions; fails loudly if one is refused. */
  static void record(Meter meter, long records) {
    Dimension users = meter.dimension(MeterFixture.USERS);
    Dimension requests = meter.dimension(MeterFixture.REQUESTS);
    for (long i = 0; i < records; i++) {
      Dimension dimension = (i & 1) == 0 ? users : requests;
      if (!dimension.record(1)) {
        throw new IllegalStateException("the journal refused record " + i + " of " + records);
      }
    }
  }
}
