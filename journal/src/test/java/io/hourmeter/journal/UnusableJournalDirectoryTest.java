package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hourmeter.HourmeterException;
import io.hourmeter.Meter;
import io.hourmeter.MeterBuilder;
import io.hourmeter.testing.MutableClock;
import io.hourmeter.testing.RecordingUsageSubmitter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal directory that cannot be used fails {@code build()} with an {@link HourmeterException} of
 * kind STORAGE naming the option and the path, on the real Chronicle journal (found by ServiceLoader, as
 * in production), never with a raw {@code UncheckedIOException} or a Chronicle exception.
 */
class UnusableJournalDirectoryTest {
  private static final String PRODUCT = "prod-unusable1";

  @TempDir
  Path temp;

  private final MutableClock clock = MutableClock.atHour(490_500);

  private MeterBuilder builder(Path directory) {
    return Meter.builder()
        .productCode(PRODUCT)
        .dimensions("users")
        .journalDirectory(directory)
        .submitter(new RecordingUsageSubmitter(clock, PRODUCT, Set.of("users")))
        .clock(clock)
        .drainerThread(false);
  }

  @Test
  void aRegularFileWhereTheDirectoryShouldBeFailsBuildSayingItIsNotADirectory() throws Exception {
    Path file = Files.writeString(temp.resolve("journal"), "not a directory");

    Throwable thrown = catchThrowable(() -> builder(file).build());

    assertStorageFailure(thrown, file);
    assertThat(thrown).hasMessageContaining(file + " exists but is not a directory");
  }

  @Test
  void aRegularFileWhereAParentDirectoryShouldBeFailsBuildSayingItIsNotADirectory() throws Exception {
    Path file = Files.writeString(temp.resolve("data"), "not a directory");
    Path directory = file.resolve("journal");

    Throwable thrown = catchThrowable(() -> builder(directory).build());

    assertStorageFailure(thrown, directory);
    assertThat(thrown).hasMessageContaining(file + " exists but is not a directory");
  }

  @Test
  void aReadOnlyFileSystemFailsBuildNamingTheOptionAndThePath() throws Exception {
    Path mount = Files.createDirectories(temp.resolve("ro"));
    mountReadOnly(mount);
    try {
      Path absent = mount.resolve("journal");

      Throwable thrown = catchThrowable(() -> builder(absent).build());

      assertStorageFailure(thrown, absent);
      assertThat(thrown).hasMessageContaining("Read-only file system");
    } finally {
      run("umount", "-l", mount.toString());
    }
  }

  @Test
  void anExistingJournalOnAFileSystemRemountedReadOnlyFailsBuildNamingTheOptionAndThePath() throws Exception {
    Path mount = Files.createDirectories(temp.resolve("remounted"));
    mountReadOnly(mount);
    try {
      Assumptions.assumeTrue(run("mount", "-o", "remount,rw", mount.toString()) == null);
      Path directory = mount.resolve("journal");
      try (Meter meter = builder(directory).build()) {
        meter.record("users", 3);
      }
      Assumptions.assumeTrue(run("mount", "-o", "remount,ro", mount.toString()) == null);

      Throwable thrown = catchThrowable(() -> builder(directory).build());

      assertStorageFailure(thrown, directory);
      assertThat(thrown).hasMessageContaining("not writable");
    } finally {
      run("umount", "-l", mount.toString());
    }
  }

  private static void assertStorageFailure(Throwable thrown, Path directory) {
    assertThat(thrown).as("what build() threw").isInstanceOf(HourmeterException.class)
        .hasMessageContaining("journalDirectory")
        .hasMessageContaining(directory.toString());
    assertThat(((HourmeterException) thrown).kind()).isEqualTo(HourmeterException.Kind.STORAGE);
  }

  private static void mountReadOnly(Path at) throws Exception {
    String why = run("mount", "-t", "tmpfs", "-o", "ro,size=4m", "tmpfs", at.toString());
    Assumptions.assumeTrue(why == null,
        "needs permission to mount a read-only tmpfs (root in this sandbox; skipped elsewhere): " + why);
  }

  /** Runs a command; returns null, or why it failed. */
  private static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes()).strip();
    return process.waitFor() == 0 ? null : "exit " + process.exitValue() + ": " + output;
  }
}
