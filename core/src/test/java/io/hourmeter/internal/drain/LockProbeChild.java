package io.hourmeter.internal.drain;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child JVM that tells whether the OS sees a journal directory's drainer lock as held by another
 * process: exits {@link #HELD} or {@link #FREE}. An in-JVM check cannot tell, because the JVM keeps
 * its own table of the locks it believes it holds.
 */
public final class LockProbeChild {
  static final int FREE = 0;
  static final int HELD = 10;

  private LockProbeChild() { }

  public static void main(String[] args) throws Exception {
    try (FileChannel channel = FileChannel.open(Path.of(args[0]).resolve(DrainerLock.FILE),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      System.exit(lock == null ? HELD : FREE);
    }
  }

  /** Whether another process (this test's JVM) holds the lock of {@code directory}, as the OS says. */
  static boolean heldByAnotherProcess(Path directory, Path output) throws Exception {
    try (var child = io.hourmeter.testing.ChildJvm.start(java.util.List.of(), LockProbeChild.class, output,
        directory.toString())) {
      int code = child.awaitExit(java.time.Duration.ofSeconds(60));
      if (code != FREE && code != HELD) {
        throw new AssertionError("lock probe exited " + code + "; output in " + output);
      }
      return code == HELD;
    }
  }
}
