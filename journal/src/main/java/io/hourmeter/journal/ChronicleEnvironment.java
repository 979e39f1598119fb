package io.hourmeter.journal;

import java.nio.file.Path;

/**
 * Settles, before any Chronicle class loads, the process-wide properties that decide where Chronicle's
 * native helpers write. Chronicle reaches the OS through JNA, and JNA unpacks its native library under
 * {@code ~/.cache/JNA} unless {@code jna.tmpdir} says otherwise; a library should not write into the
 * user's home, so unless the application chose a place, JNA gets one under {@code java.io.tmpdir}.
 * Chronicle's start-up banner is turned off too, unless the application set it.
 *
 * <p>Thread-safety: idempotent; safe to call from any thread.
 */
final class ChronicleEnvironment {
  private ChronicleEnvironment() { }

  static void prepare() {
    if (System.getProperty("jna.tmpdir") == null) {
      String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
      Path jnaTemp = Path.of(System.getProperty("java.io.tmpdir"), "hourmeter-jna-" + user);
      System.setProperty("jna.tmpdir", jnaTemp.toString());
    }
    if (System.getProperty("chronicle.announcer.disable") == null) {
      System.setProperty("chronicle.announcer.disable", "true");
    }
  }
}
