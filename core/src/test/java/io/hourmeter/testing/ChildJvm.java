package io.hourmeter.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real child JVM running a main class on the test's class path, with the Chronicle JVM flags, for
 * crash and multi-process tests. {@link #kill()} sends SIGKILL.
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final Path output;

  private ChildJvm(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** The Chronicle flags Surefire was given (the root pom's {@code hourmeter.jvmFlags}). */
  public static List<String> chronicleFlags() {
    String flags = System.getProperty("hourmeter.jvmFlags", "").trim();
    return flags.isEmpty() ? List.of() : Arrays.asList(flags.split("\\s+"));
  }

  /** Starts {@code mainClass} with the Chronicle flags; stdout and stderr go to {@code output}. */
  public static ChildJvm start(Class<?> mainClass, Path output, String... args) throws IOException {
    return start(chronicleFlags(), mainClass, output, args);
  }

  /** Starts {@code mainClass} with exactly the given JVM options. */
  public static ChildJvm start(List<String> jvmOptions, Class<?> mainClass, Path output, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(Arrays.asList(args));
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
        .start();
    return new ChildJvm(process, output);
  }

  /** SIGKILL, then wait for the process to be gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Waits for a normal exit and returns the exit code, or fails after {@code timeout}. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("child JVM did not exit within " + timeout + "; output in " + output);
    }
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path output() {
    return output;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
