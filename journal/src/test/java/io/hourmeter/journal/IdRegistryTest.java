package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The id registry alone (as the customer registry): torn entries, its cost in bytes read, threads registering at once. */
class IdRegistryTest {
  @TempDir
  Path directory;

  private IdRegistry open(boolean sync) {
    return new IdRegistry(directory, IdRegistry.CUSTOMERS, "customer key", lock(), sync);
  }

  private DirectoryLock lock() {
    return new DirectoryLock(directory.resolve("journal.lock"));
  }

  @Test
  void aTornLastEntryIsIgnoredAndTheNextRegistrationWritesOverIt() throws Exception {
    IdRegistry first = open(true);
    int a = first.idOf("id:a");
    int b = first.idOf("acct:1:arn\twith\ttabs\nand a newline\\");
    Path file = directory.resolve(IdRegistry.CUSTOMERS);
    long whole = Files.size(file);
    // A process killed in the middle of writing entry 3.
    Files.write(file, "3\tid:tor".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

    IdRegistry reopened = open(true);
    assertThat(reopened.from(0)).containsOnlyKeys(a, b)
        .containsEntry(b, "acct:1:arn\twith\ttabs\nand a newline\\");
    int c = reopened.idOf("id:c");

    assertThat(c).isEqualTo(3);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(2)).isEqualTo("3\tid:c");
    assertThat(Files.size(file)).isEqualTo(whole + "3\tid:c\n".length());
    IdRegistry third = open(true);
    assertThat(third.from(0)).containsExactlyInAnyOrderEntriesOf(Map.of(a, "id:a",
        b, "acct:1:arn\twith\ttabs\nand a newline\\", c, "id:c"));
    assertThat(third.idOf("id:tor")).as("the torn key, never handed out, gets the next id").isEqualTo(4);
  }

  /** A dimension file as the old DimensionRegistry wrote it (escapes and a torn last line) reads as it did. */
  @Test
  void aDimensionFileOfTheOldRegistryReadsAsItDidAndNumberingGoesOn() throws Exception {
    Files.writeString(directory.resolve(IdRegistry.DIMENSIONS), "1\tusers\n2\ta\\tb\\\\c\\nd\n3\treq",
        StandardCharsets.UTF_8);

    IdRegistry dimensions = IdRegistry.dimensions(directory, lock());

    assertThat(dimensions.from(0)).containsExactlyInAnyOrderEntriesOf(Map.of(1, "users", 2, "a\tb\\c\nd"));
    assertThat(dimensions.idOf("users")).isEqualTo(1);
    assertThat(dimensions.idOf("requests")).isEqualTo(3);
    assertThat(Files.readString(directory.resolve(IdRegistry.DIMENSIONS), StandardCharsets.UTF_8))
        .isEqualTo("1\tusers\n2\ta\\tb\\\\c\\nd\n3\trequests\n");
  }

  /**
   * Registering 100,000 new customers from two registries on one directory (two processes, as far as
   * the file is concerned), alternately, so each registration must first read the other's latest
   * entry: each registry reads every byte of the file at most once, where one that reloads the file
   * for every new id reads about n²/2 entries. Bytes read, not time, so the test measures the
   * algorithm and not the machine. Without syncs, which the algorithm does not depend on and which
   * would take 100,000 x 0.3 ms here.
   */
  @Test
  void registering100000CustomersReadsEachByteOfTheFileAtMostOncePerRegistry() throws Exception {
    IdRegistry left = open(false);
    IdRegistry right = open(false);
    int customers = 100_000;
    for (int n = 0; n < customers; n++) {
      IdRegistry registry = n % 2 == 0 ? left : right;
      assertThat(registry.idOf(CustomerRegistrationChild.key(n))).isEqualTo(n + 1);
    }
    long fileBytes = Files.size(directory.resolve(IdRegistry.CUSTOMERS));
    System.out.printf("customer registry: %d customers, file %d bytes; bytes read %d and %d%n", customers,
        fileBytes, left.bytesRead(), right.bytesRead());

    assertThat(fileBytes).isGreaterThan(customers * 100L);
    assertThat(left.bytesRead()).isLessThanOrEqualTo(fileBytes);
    assertThat(right.bytesRead()).isLessThanOrEqualTo(fileBytes);
    // Each has read what the other wrote, about half the file.
    assertThat(left.bytesRead()).isGreaterThan(fileBytes / 3);
    assertThat(right.from(customers - 1)).containsOnlyKeys(customers - 1, customers);
    assertThat(left.from(0)).hasSize(customers);
  }

  @Test
  void aKnownKeyNeitherReadsNorWrites() throws Exception {
    IdRegistry registry = open(true);
    int id = registry.idOf("id:known");
    long read = registry.bytesRead();
    long syncs = registry.syncs();
    long size = Files.size(directory.resolve(IdRegistry.CUSTOMERS));

    for (int i = 0; i < 1_000; i++) {
      assertThat(registry.idOf("id:known")).isEqualTo(id);
    }

    assertThat(registry.bytesRead()).isEqualTo(read);
    assertThat(registry.syncs()).isEqualTo(syncs).isEqualTo(1);
    assertThat(Files.size(directory.resolve(IdRegistry.CUSTOMERS))).isEqualTo(size);
  }

  /**
   * Eight threads register 250 keys each, half of them shared with another thread: every thread sees
   * the same id for a key, the ids are exactly 1 to n, and the threads shared syncs (group commit): far
   * fewer syncs than new keys.
   */
  @Test
  void threadsRegisteringAtOnceAgreeOnEveryIdAndShareSyncs() throws Exception {
    IdRegistry registry = open(true);
    int threads = 8;
    int perThread = 250;
    Map<String, Set<Integer>> seen = new ConcurrentHashMap<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = (t / 2) * perThread + (t % 2) * (perThread / 2);
      Thread worker = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < perThread; i++) {
            String key = CustomerRegistrationChild.key(base + i);
            seen.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(registry.idOf(key));
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      worker.start();
      workers.add(worker);
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }

    assertThat(failures).isEmpty();
    int keys = seen.size();
    assertThat(seen.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
    Set<Integer> ids = new HashSet<>();
    seen.values().forEach(ids::addAll);
    assertThat(ids).hasSize(keys).allSatisfy(id -> assertThat(id).isBetween(1, keys));
    assertThat(open(true).from(0)).hasSize(keys);
    System.out.printf("customer registry: %d threads, %d new keys, %d syncs%n", threads, keys, registry.syncs());
    assertThat(registry.syncs()).as("syncs for %d new keys", keys).isLessThan(keys / 2L);
  }
}
