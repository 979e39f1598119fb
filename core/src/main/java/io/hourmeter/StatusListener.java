package io.hourmeter;

/**
 * Told of each new {@link MeterStatus} that differs from the last one, from Hourmeter's background
 * thread. Use it to feed a health endpoint or a metrics registry. An exception thrown here is logged
 * and otherwise ignored.
 */
@FunctionalInterface
public interface StatusListener {
  void onStatus(MeterStatus status);
}
