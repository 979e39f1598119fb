package io.hourmeter.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Scratch directories for journals. They live under {@code -Dhourmeter.bench.dir} (default: the JVM's
 * temporary directory), on a real disk rather than tmpfs, since the journal's cost is a mapped file's.
 * Linux-only helpers ({@code cp}, {@code du}) are used where Java has no equivalent.
 */
final class BenchDirectories {

  private BenchDirectories() { }

  /** A new, empty directory for one journal. */
  static Path create(String purpose) {
    Path base = Path.of(System.getProperty("hourmeter.bench.dir", System.getProperty("java.io.tmpdir")));
    try {
      Files.createDirectories(base);
      return Files.createTempDirectory(base, "hourmeter-" + purpose + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("creating a scratch directory under " + base, e);
    }
  }

  /** Deletes a directory tree; quiet if it is already gone. */
  static void delete(Path directory) {
    if (directory == null || !Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + directory, e);
    }
  }

  /** Copies a directory tree, keeping sparse files sparse, as a restart on the same disk would find it. */
  static void copy(Path from, Path to) {
    run(List.of("cp", "-a", "--sparse=always", from.toString() + "/.", to.toString()));
  }

  /** Bytes the tree occupies on disk (allocated blocks, as {@code du} counts them). */
  static long allocatedBytes(Path directory) {
    String out = run(List.of("du", "-s", "--block-size=1", directory.toString()));
    return Long.parseLong(out.strip().split("\\s+")[0]);
  }

  /** Sum of the files' lengths (apparent size, which counts sparse holes). */
  static long apparentBytes(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      long total = 0;
      for (Path path : paths.filter(Files::isRegularFile).toList()) {
        total += Files.size(path);
      }
      return total;
    } catch (IOException e) {
      throw new UncheckedIOException("sizing " + directory, e);
    }
  }

  private static String run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("running " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }
}
