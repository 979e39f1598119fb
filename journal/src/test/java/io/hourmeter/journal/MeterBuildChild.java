package io.hourmeter.journal;

import io.hourmeter.Meter;
import io.hourmeter.testing.RecordingUsageSubmitter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Set;

/**
 * A child JVM that builds a real {@link Meter} with the storage found by ServiceLoader, records once and
 * closes it; if building fails it prints {@code BUILD FAILED: <exception>} and the message, and exits 3.
 *
 * <p>Arguments: journal directory.
 */
public final class MeterBuildChild {
  private MeterBuildChild() { }

  public static void main(String[] args) {
    try (Meter meter = Meter.builder()
        .productCode("prod-journal-test")
        .dimensions("users")
        .journalDirectory(Path.of(args[0]))
        .submitter(new RecordingUsageSubmitter(InstantSource.system(), "prod-journal-test", Set.of("users")))
        .drainerThread(false)
        .build()) {
      meter.record("users", 1);
      System.out.println("BUILT");
    } catch (RuntimeException e) {
      System.out.println("BUILD FAILED: " + e.getClass().getName());
      System.out.println(e.getMessage());
      System.out.flush();
      System.exit(3);
    }
    System.out.flush();
  }
}
