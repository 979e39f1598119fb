package io.hourmeter.journal;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags Chronicle Queue needs on Java 17, and the check that they are present. The journal runs
 * it before it touches any Chronicle class, because without the flags Chronicle fails late and in
 * confusing ways: without {@code sun.nio.ch} exported it silently falls back to a read-only queue, and
 * without {@code java.lang.reflect} open it cannot map files at all.
 *
 * <p>The list is the smallest set with which Chronicle Queue 2026.4 appends, rolls cycles, tails and
 * unmaps on Java 17 without a warning; the root pom's {@code hourmeter.jvmFlags} holds the same list.
 *
 * <p>Thread-safety: stateless.
 */
public final class JvmFlags {

  /** One flag: what it opens or exports, and the command-line form. */
  private record Flag(String module, String packageName, boolean open) {
    String commandLine() {
      return (open ? "--add-opens=" : "--add-exports=") + module + "/" + packageName + "=ALL-UNNAMED";
    }

    boolean presentFor(Module target) {
      Module source = ModuleLayer.boot().findModule(module).orElse(null);
      if (source == null) {
        return false;
      }
      return open ? source.isOpen(packageName, target) : source.isExported(packageName, target);
    }
  }

  private static final List<Flag> REQUIRED = List.of(
      // ByteBuffer cleaner, so that unmapped cycle files release their memory.
      new Flag("java.base", "jdk.internal.ref", false),
      // FileChannelImpl.map0/unmap0: memory-mapping the cycle files read-write.
      new Flag("java.base", "sun.nio.ch", false),
      // Chronicle makes the private map0/unmap0 methods accessible through java.lang.reflect.
      new Flag("java.base", "java.lang.reflect", true));

  private JvmFlags() { }

  /** Every flag the journal needs, in command-line form. */
  public static List<String> required() {
    return REQUIRED.stream().map(Flag::commandLine).toList();
  }

  /** The required flags this JVM lacks, in command-line form; empty when all are present. */
  public static List<String> missing() {
    Module target = JvmFlags.class.getModule();
    List<String> missing = new ArrayList<>();
    for (Flag flag : REQUIRED) {
      if (!flag.presentFor(target)) {
        missing.add(flag.commandLine());
      }
    }
    return missing;
  }

  /**
   * Throws if a required flag is missing.
   *
   * @throws IllegalStateException whose message lists, on one line, every flag to add
   */
  public static void check() {
    List<String> missing = missing();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("The Hourmeter journal (Chronicle Queue) needs JVM flags that "
          + "this JVM was started without. Add these to the java command line (all of them, the "
          + "missing ones are " + missing + "):\n" + String.join(" ", required()));
    }
  }
}
