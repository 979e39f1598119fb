package io.hourmeter.spring.boot;

/**
 * The JVM lacks the flags Chronicle Queue needs. Its message is exactly the one {@code Meter.builder()
 * .build()} fails with ({@code io.hourmeter.journal.JvmFlags#check()}); {@link MissingJvmFlagsFailureAnalyzer}
 * adds how to set them for a Spring Boot application.
 */
final class MissingJvmFlagsException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  MissingJvmFlagsException(IllegalStateException check) {
    super(check.getMessage(), check);
  }
}
