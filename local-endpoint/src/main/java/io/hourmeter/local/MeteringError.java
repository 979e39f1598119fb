package io.hourmeter.local;

/**
 * An AWS JSON 1.1 error answer: the {@code __type} (also sent as {@code x-amzn-ErrorType}), the HTTP
 * status and the message. Immutable.
 */
final class MeteringError extends Exception {

  private final String type;
  private final int status;

  MeteringError(String type, int status, String message) {
    super(message, null, false, false);
    this.type = type;
    this.status = status;
  }

  static MeteringError badRequest(String type, String message) {
    return new MeteringError(type, 400, message);
  }

  static MeteringError validation(String message) {
    return badRequest("ValidationException", message);
  }

  String type() {
    return type;
  }

  int status() {
    return status;
  }
}
