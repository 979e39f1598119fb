package io.hourmeter;

/** What {@link Meter#close()} does with the hour that is still open. */
public enum ShutdownPolicy {
  /** Leave the open hour in the journal; the next start reports it once it closes. The default. */
  LEAVE_OPEN_HOUR,
  /**
   * Report the partial hour now, for instances that are being terminated. Usage recorded later in the
   * same hour (by another process, or after a restart) is carried into the next hour.
   */
  REPORT_PARTIAL_HOUR
}
