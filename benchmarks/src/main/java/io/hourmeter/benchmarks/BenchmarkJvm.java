package io.hourmeter.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The JVM flags every benchmark fork needs: Chronicle's {@code --add-exports}/{@code --add-opens} list,
 * copied at build time from the root pom's {@code hourmeter.jvmFlags} into this jar, plus a fixed heap
 * so that runs compare. Thread-safe (immutable).
 */
public final class BenchmarkJvm {
  private static final String RESOURCE = "benchmark-jvm.properties";
  /** A fixed heap: recovery and the footprint probe read 10 M records, and GC must not differ by run. */
  static final List<String> HEAP = List.of("-Xms2g", "-Xmx2g");

  private BenchmarkJvm() { }

  /** Prints the flags and heap on one line, for scripts that start JVMs of their own (run.sh). */
  public static void main(String[] args) {
    System.out.println(String.join(" ", chronicleFlags()) + " " + String.join(" ", HEAP));
  }

  /** Chronicle's flags, as the root pom lists them. */
  static List<String> chronicleFlags() {
    Properties properties = new Properties();
    try (InputStream in = BenchmarkJvm.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the benchmarks jar; build it with "
            + "'mvn -B -pl benchmarks -am package' so that Maven fills in hourmeter.jvmFlags");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + RESOURCE, e);
    }
    String flags = properties.getProperty("jvmFlags", "").strip();
    if (flags.isEmpty() || flags.contains("${")) {
      throw new IllegalStateException(RESOURCE + " holds no JVM flags ('" + flags + "'); the jar was not "
          + "built by Maven with resource filtering");
    }
    return Arrays.asList(flags.split("\\s+"));
  }
}
