package io.hourmeter.samples.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The JVM flags that Chronicle needs on Java 17, exactly as the root pom's {@code hourmeter.jvmFlags}
 * property holds them (copied into {@code hourmeter-jvm-flags.txt} at build time). The demo starts its
 * child JVMs with them. Thread-safe: immutable.
 */
public final class JvmFlags {
  private static final String RESOURCE = "/hourmeter-jvm-flags.txt";

  private JvmFlags() { }

  /** The flags, one per element. */
  public static List<String> chronicle() {
    try (InputStream in = JvmFlags.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path; rebuild samples");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      if (text.isEmpty() || text.contains("${")) {
        throw new IllegalStateException(RESOURCE + " was not filtered by Maven: '" + text + "'");
      }
      return List.copyOf(Arrays.asList(text.split("\\s+")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
