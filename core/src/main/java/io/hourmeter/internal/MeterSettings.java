package io.hourmeter.internal;

import io.hourmeter.CarryPolicy;
import io.hourmeter.ErrorHandler;
import io.hourmeter.MeteringMode;
import io.hourmeter.ShutdownPolicy;
import io.hourmeter.StatusListener;
import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.StorageProvider;
import io.hourmeter.spi.UsageSubmitter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

/**
 * The checked, immutable configuration of a meter, as {@link io.hourmeter.MeterBuilder} produced it.
 * Internal: not a supported API.
 */
public record MeterSettings(
    String productCode,
    List<String> dimensions,
    Path journalDirectory,
    UsageSubmitter submitter,
    MeteringMode mode,
    InstantSource clock,
    Duration hourGrace,
    Duration sendJitter,
    Duration deadlineMargin,
    Duration clockSkewMargin,
    CarryPolicy carryPolicy,
    ShutdownPolicy shutdownPolicy,
    Duration retention,
    Duration closeTimeout,
    Duration agentCoreCutInterval,
    long agentCoreCutUnits,
    long minFreeDiskBytes,
    FreeSpaceProbe freeSpaceProbe,
    ErrorHandler errorHandler,
    StatusListener statusListener,
    StorageProvider storage,
    boolean checkPermissionAtStart,
    boolean drainerThread,
    Duration usageWindow,
    long maxCachedCustomers,
    Duration drainInterval) {

  public JournalSettings journalSettings() {
    return new JournalSettings(journalDirectory, clock, minFreeDiskBytes, freeSpaceProbe);
  }
}
