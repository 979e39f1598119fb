package io.hourmeter;

/**
 * Receives infrastructure failures and alerts after {@link Meter} is built: a low disk, a journal or
 * ledger error, a failed send, a duplicate hour, a dead letter. It is called from Hourmeter's
 * background thread, never from a thread that calls {@code record()}. An exception thrown by the
 * handler is logged and otherwise ignored.
 */
@FunctionalInterface
public interface ErrorHandler {

  /** Called once per failure or alert; {@link HourmeterException#kind()} says which. */
  void onError(HourmeterException error);

  /** The default handler: it does nothing beyond the log line Hourmeter already writes. */
  static ErrorHandler logOnly() {
    return error -> { };
  }
}
