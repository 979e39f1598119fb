package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.testing.ChildJvm;
import io.hourmeter.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Customer registration across processes: child JVMs ({@link CustomerRegistrationChild}) register
 * overlapping new keys at the same moment on one directory, or are killed with SIGKILL while they do;
 * every id a child was handed must be the directory's id of that key, and no id may belong to two keys.
 */
class CustomerRegistrationProcessesTest {
  /** C1 only: the children start faster on a busy machine; what they test does not need C2. */
  private static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1");

  @TempDir
  Path temp;

  @Test
  void twoProcessesRegisteringOverlappingNewCustomersAtOnceAgreeOnEveryId() throws Exception {
    Path directory = temp.resolve("journal");
    // 0..1999 and 1000..2999: the middle thousand is registered by both, each on two threads.
    try (ChildJvm first = start(directory, 0, 2_000, "journal", "first");
         ChildJvm second = start(directory, 1_000, 3_000, "journal", "second")) {
      JournalTesting.awaitOutput(first, "READY", Duration.ofSeconds(60));
      JournalTesting.awaitOutput(second, "READY", Duration.ofSeconds(60));
      Files.createFile(temp.resolve("go"));
      assertThat(first.awaitExit(Duration.ofSeconds(120))).as(Files.readString(first.output())).isZero();
      assertThat(second.awaitExit(Duration.ofSeconds(120))).as(Files.readString(second.output())).isZero();
    }
    Map<String, Integer> first = handedOut(temp.resolve("first.log"));
    Map<String, Integer> second = handedOut(temp.resolve("second.log"));
    assertThat(first).hasSize(2_000);
    assertThat(second).hasSize(2_000);

    try (ChronicleUsageJournal journal = ChronicleUsageJournal.open(new JournalSettings(directory,
        MutableClock.atHour(400_000), 0, FreeSpaceProbe.fileSystem()))) {
      Map<Integer, String> registered = journal.customers(0);
      assertThat(registered).hasSize(3_000);
      assertAgree(registered, first, "the first process");
      assertAgree(registered, second, "the second process");
      assertThat(registered.keySet()).as("ids are 1 to n").containsExactlyInAnyOrderElementsOf(range(3_000));
      // The second's first key got its id before the first had registered its first thousand.
      assertThat(second.get(CustomerRegistrationChild.key(1_000)))
          .as("the processes registered at the same time, not one after the other")
          .isLessThan(first.get(CustomerRegistrationChild.key(999)));
      for (int n = 1_000; n < 2_000; n++) {
        String key = CustomerRegistrationChild.key(n);
        assertThat(first.get(key)).as(key).isEqualTo(second.get(key));
      }
    }
    assertFileHasNoDuplicates(directory);
  }

  /**
   * Two children register the same new keys at once and are each killed at a random moment, then
   * restarted on the directory, eight times. Every id a child logged as returned must still be its
   * key's id; no key may have two lines, nor an id two keys; and the ids stay 1 to n, whatever torn
   * line a kill left.
   */
  @Test
  void sigkillDuringRegistrationLosesNoIdHandedOutAndDuplicatesNone() throws Exception {
    Path directory = temp.resolve("journal");
    Random random = new Random();
    int runs = 8;
    List<Path> logs = new ArrayList<>();
    int tornTails = 0;
    for (int run = 0; run < runs; run++) {
      Files.deleteIfExists(temp.resolve("go"));
      List<ChildJvm> children = new ArrayList<>();
      try {
        for (int child = 0; child < 2; child++) {
          String name = "run-" + run + "-child-" + child;
          logs.add(temp.resolve(name + ".log"));
          // Each run starts at keys the run before may have registered, and goes on to new ones.
          children.add(start(directory, run * 200, 1_000_000, "registry", name));
        }
        for (ChildJvm child : children) {
          JournalTesting.awaitOutput(child, "READY", Duration.ofSeconds(60));
        }
        Files.createFile(temp.resolve("go"));
        for (ChildJvm child : children) {
          Thread.sleep(30 + random.nextInt(300));
          assertThat(child.isAlive()).as("run %d: still registering when killed", run).isTrue();
          child.kill();
        }
      } finally {
        for (ChildJvm child : children) {
          child.close();
        }
      }
      Path file = directory.resolve(IdRegistry.CUSTOMERS);
      if (Files.exists(file) && Files.size(file) > 0) {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
          java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
          channel.read(last, channel.size() - 1);
          tornTails += last.get(0) == '\n' ? 0 : 1;
        }
      }
    }

    Map<String, Integer> handedOut = new HashMap<>();
    for (Path log : logs) {
      for (Map.Entry<String, Integer> entry : handedOut(log).entrySet()) {
        Integer before = handedOut.putIfAbsent(entry.getKey(), entry.getValue());
        assertThat(before).as("%s was handed out as %s and as %s", entry.getKey(), before, entry.getValue())
            .isIn(null, entry.getValue());
      }
    }
    assertThat(handedOut.size()).as("ids handed out before the kills").isGreaterThan(runs * 20);
    IdRegistry registry = IdRegistry.customers(directory, new DirectoryLock(directory.resolve("journal.lock")));
    Map<Integer, String> registered = registry.from(0);
    assertAgree(registered, handedOut, "the killed children");
    assertThat(registered.keySet()).as("ids are 1 to n").containsExactlyInAnyOrderElementsOf(range(registered.size()));
    // A registration after the last kill cuts off whatever torn line is left, and gets the next id.
    int next = registry.idOf("id:after-the-kills");
    assertThat(next).isEqualTo(registered.size() + 1);
    assertFileHasNoDuplicates(directory);
    // A kill mid-line is rare (a line is one small write); CustomerRegistryTest makes a torn line on purpose.
    System.out.printf("customer registration kills: %d runs, %d ids handed out, %d registered, %d torn last lines%n",
        runs, handedOut.size(), next, tornTails);
  }

  private ChildJvm start(Path directory, int first, int last, String mode, String name) throws IOException {
    List<String> options = new ArrayList<>(ChildJvm.chronicleFlags());
    options.addAll(FAST_START);
    return ChildJvm.start(options, CustomerRegistrationChild.class, temp.resolve(name + ".out"),
        directory.toString(), Integer.toString(first), Integer.toString(last), "2",
        temp.resolve(name + ".log").toString(), mode);
  }

  /** The key-to-id lines a child logged; a key logged twice (by its two threads? never) must agree. */
  private static Map<String, Integer> handedOut(Path log) throws IOException {
    Map<String, Integer> ids = new HashMap<>();
    if (!Files.exists(log)) {
      return ids;
    }
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      int tab = line.lastIndexOf('\t');
      Integer before = ids.put(line.substring(0, tab), Integer.parseInt(line.substring(tab + 1)));
      assertThat(before).isIn(null, Integer.parseInt(line.substring(tab + 1)));
    }
    return ids;
  }

  private static void assertAgree(Map<Integer, String> registered, Map<String, Integer> handedOut, String who) {
    for (Map.Entry<String, Integer> entry : handedOut.entrySet()) {
      assertThat(registered.get(entry.getValue())).as("%s was handed id %d for %s", who, entry.getValue(),
          entry.getKey()).isEqualTo(entry.getKey());
    }
  }

  /** Every line of the file is complete, and no key nor id appears twice. */
  private static void assertFileHasNoDuplicates(Path directory) throws IOException {
    byte[] content = Files.readAllBytes(directory.resolve(IdRegistry.CUSTOMERS));
    assertThat(content[content.length - 1]).as("the file ends with a whole line").isEqualTo((byte) '\n');
    Set<String> keys = new HashSet<>();
    Set<String> ids = new HashSet<>();
    for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
      int tab = line.indexOf('\t');
      assertThat(ids.add(line.substring(0, tab))).as("id of line %s once", line).isTrue();
      assertThat(keys.add(line.substring(tab + 1))).as("key of line %s once", line).isTrue();
    }
  }

  private static List<Integer> range(int n) {
    List<Integer> ids = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      ids.add(i);
    }
    return ids;
  }
}
