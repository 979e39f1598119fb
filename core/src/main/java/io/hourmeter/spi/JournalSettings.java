package io.hourmeter.spi;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;

/**
 * What a {@link StorageProvider} needs to open a journal.
 *
 * @param directory         the journal directory; created with owner-only permissions if absent
 * @param clock             the clock that decides each record's hour
 * @param minFreeDiskBytes  below this many usable bytes the journal refuses appends
 * @param freeSpaceProbe    how usable bytes are measured (tests inject one)
 */
public record JournalSettings(Path directory, InstantSource clock, long minFreeDiskBytes,
    FreeSpaceProbe freeSpaceProbe) {

  public JournalSettings {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(freeSpaceProbe, "freeSpaceProbe");
    if (minFreeDiskBytes < 0) {
      throw new IllegalArgumentException("minFreeDiskBytes must be >= 0 but was " + minFreeDiskBytes);
    }
  }
}
