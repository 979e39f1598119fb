package io.hourmeter.internal.drain;

import io.hourmeter.ErrorHandler;
import io.hourmeter.HourmeterException;
import io.hourmeter.MeterStatus;
import io.hourmeter.StatusListener;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the drainer's news goes: alerts to the log and the user's {@link ErrorHandler}, status
 * snapshots to {@link #latest()} and the user's {@link StatusListener}. Both user callbacks are
 * guarded: one that throws is logged and ignored.
 *
 * <p>Thread-safety: written by the drainer thread only; {@link #latest()} and the last-error fields
 * may be read from any thread.
 */
final class StatusBoard {
  private static final Logger LOG = LoggerFactory.getLogger(StatusBoard.class);

  private final ErrorHandler errorHandler;
  private final StatusListener listener;
  private volatile MeterStatus latest;
  private MeterStatus lastPublished;
  private volatile Instant lastErrorAt;
  private volatile String lastError;

  StatusBoard(ErrorHandler errorHandler, StatusListener listener) {
    this.errorHandler = errorHandler;
    this.listener = listener;
  }

  /** An alert that is also the latest error (send failures, storage trouble, dead letters). */
  void error(HourmeterException.Kind kind, String message, Throwable cause, Instant at) {
    lastErrorAt = at;
    lastError = kind + ": " + message;
    alert(kind, message, cause);
  }

  /** Logs and hands an alert to the error handler, guarded. */
  void alert(HourmeterException.Kind kind, String message, Throwable cause) {
    if (kind == HourmeterException.Kind.CARRIED) {
      LOG.info("{}: {}", kind, message);
    } else {
      LOG.warn("{}: {}", kind, message, cause);
    }
    try {
      errorHandler.onError(new HourmeterException(kind, message, cause));
    } catch (RuntimeException | Error e) {
      LOG.error("the ErrorHandler threw while handling {}; ignored", kind, e);
    }
  }

  Instant lastErrorAt() {
    return lastErrorAt;
  }

  String lastError() {
    return lastError;
  }

  /** Stores a snapshot and tells the listener if it differs from the last one told (time aside). */
  void publish(MeterStatus status) {
    latest = status;
    MeterStatus comparable = timeless(status);
    if (listener == null || comparable.equals(lastPublished)) {
      return;
    }
    lastPublished = comparable;
    try {
      listener.onStatus(status);
    } catch (RuntimeException | Error e) {
      LOG.error("the StatusListener threw; ignored", e);
    }
  }

  MeterStatus latest() {
    return latest;
  }

  private static MeterStatus timeless(MeterStatus s) {
    return new MeterStatus(null, s.mode(), s.closed(), s.drainer(), s.pendingUnitsByHour(), s.oldestUnsentHour(),
        null, s.lastSuccess(), s.lastErrorAt(), s.lastError(), s.consecutiveFailures(), s.sending(),
        s.circuitState(), s.acceptedReports(), s.acceptedUnits(), s.carriedUnits(), s.deadLetteredReports(),
        s.deadLetteredUnits(), s.quarantinedDimensions(), s.refusedUnits(), s.diskLow(), s.journalBytes(),
        s.quarantinedBuyers(), s.pendingBuyers(), null);
  }
}
