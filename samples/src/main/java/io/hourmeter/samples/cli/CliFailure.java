package io.hourmeter.samples.cli;

/**
 * A failure the CLI reports as one line on stderr with a non-zero exit code, without a stack trace:
 * a missing or foreign directory, a bad filter, a refused re-queue.
 */
final class CliFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Exit code for a usage or input problem. */
  static final int USAGE = 2;

  private final int exitCode;

  CliFailure(String message) {
    this(USAGE, message);
  }

  CliFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
