package io.hourmeter.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.StorageProvider;
import io.hourmeter.spi.UsageJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link UsageJournal} must do. An implementation's test extends this and supplies its
 * {@link StorageProvider}.
 */
public abstract class UsageJournalContract {
  protected static final long HOUR = 490_000;

  @TempDir
  protected Path directory;
  protected final MutableClock clock = MutableClock.atHour(HOUR);
  protected final AtomicLong usableBytes = new AtomicLong(Long.MAX_VALUE / 2);
  private final List<UsageJournal> opened = new ArrayList<>();

  /** The provider under test. */
  protected abstract StorageProvider provider();

  protected UsageJournal open() {
    UsageJournal journal = provider().openJournal(
        new JournalSettings(directory.resolve("journal"), clock, 1024, dir -> usableBytes.get()));
    opened.add(journal);
    return journal;
  }

  @AfterEach
  void closeJournals() {
    opened.forEach(UsageJournal::close);
  }

  protected static List<JournalRecord> readAll(UsageJournal journal, long from) {
    List<JournalRecord> records = new ArrayList<>();
    try (JournalReader reader = journal.reader(from)) {
      while (reader.read((p, h, d, c, q, t) -> records.add(new JournalRecord(p, h, d, c, q, t)), 1000) > 0) {
        // keep reading
      }
    }
    return records;
  }

  @Test
  void appendedRecordsAreReadBackInOrderWithTheirHour() {
    UsageJournal journal = open();
    int users = journal.dimensionId("users");
    assertThat(journal.append(users, 3, 0)).isTrue();
    assertThat(journal.append(users, 4, 7)).isTrue();

    List<JournalRecord> records = readAll(journal, 0);

    assertThat(records).extracting(JournalRecord::quantity).containsExactly(3L, 4L);
    assertThat(records).extracting(JournalRecord::tagSetId).containsExactly(0, 7);
    assertThat(records).extracting(JournalRecord::epochHour).containsOnly(HOUR);
    assertThat(records).extracting(JournalRecord::dimensionId).containsOnly(users);
    assertThat(records.get(0).position()).isLessThan(records.get(1).position());
  }

  @Test
  void recordsRollIntoTheHourOfTheInjectedClock() {
    UsageJournal journal = open();
    int users = journal.dimensionId("users");
    journal.append(users, 1, 0);
    clock.advance(Duration.ofHours(1));
    journal.append(users, 2, 0);
    clock.advance(Duration.ofHours(2));
    journal.append(users, 3, 0);

    List<JournalRecord> records = readAll(journal, 0);

    assertThat(records).extracting(JournalRecord::epochHour).containsExactly(HOUR, HOUR + 1, HOUR + 3);
    assertThat(journal.hours()).contains(HOUR, HOUR + 1, HOUR + 3);
    assertThat(records.get(1).position()).isGreaterThanOrEqualTo(journal.firstPositionOfHour(HOUR + 1));
    assertThat(records.get(0).position()).isLessThan(journal.firstPositionOfHour(HOUR + 1));
  }

  @Test
  void aClockThatGoesBackAppendsToTheLatestHourNotAPastOne() {
    UsageJournal journal = open();
    int users = journal.dimensionId("users");
    clock.advance(Duration.ofHours(2));
    journal.append(users, 1, 0);
    clock.advance(Duration.ofHours(-2));
    journal.append(users, 2, 0);

    List<JournalRecord> records = readAll(journal, 0);

    assertThat(records).extracting(JournalRecord::epochHour).containsExactly(HOUR + 2, HOUR + 2);
  }

  @Test
  void aReaderResumesFromItsPosition() {
    UsageJournal journal = open();
    int users = journal.dimensionId("users");
    journal.append(users, 1, 0);
    journal.append(users, 2, 0);
    long resumeAt;
    try (JournalReader reader = journal.reader(0)) {
      assertThat(reader.read((p, h, d, c, q, t) -> { }, 1)).isEqualTo(1);
      resumeAt = reader.position();
    }
    journal.append(users, 3, 0);

    assertThat(readAll(journal, resumeAt)).extracting(JournalRecord::quantity).containsExactly(2L, 3L);
  }

  @Test
  void aReaderSeesRecordsAppendedAfterItReachedTheEnd() {
    UsageJournal journal = open();
    int users = journal.dimensionId("users");
    try (JournalReader reader = journal.reader(0)) {
      assertThat(reader.read((p, h, d, c, q, t) -> { }, 10)).isZero();
      journal.append(users, 5, 0);
      List<Long> seen = new ArrayList<>();
      assertThat(reader.read((p, h, d, c, q, t) -> seen.add(q), 10)).isEqualTo(1);
      assertThat(seen).containsExactly(5L);
    }
  }

  @Test
  void dimensionIdsAndJournalIdSurviveReopen() {
    UsageJournal first = open();
    int users = first.dimensionId("users");
    int requests = first.dimensionId("requests");
    String journalId = first.journalId();
    first.append(users, 9, 0);
    first.close();

    UsageJournal second = open();

    assertThat(second.dimensionId("requests")).isEqualTo(requests);
    assertThat(second.dimensionId("users")).isEqualTo(users);
    assertThat(users).isNotEqualTo(requests).isPositive();
    assertThat(second.journalId()).isEqualTo(journalId).isNotBlank();
    assertThat(second.dimensions()).containsEntry(users, "users").containsEntry(requests, "requests");
    assertThat(readAll(second, 0)).extracting(JournalRecord::quantity).containsExactly(9L);
  }

  /** A canonical key as {@code Buyer#key()} makes them: long, with colons and slashes. */
  protected static String customerKey(int n) {
    return "acct:" + (123456789000L + n) + ":arn:aws:license-manager::294406891311:license/l-" + n
        + "0123456789abcdef0123456789abcdef";
  }

  @Test
  void customerIdsAreStableAcrossReopenAndDistinct() {
    UsageJournal first = open();
    assumeTrue(first.supportsCustomers(), "the journal records customers");
    int a = first.customerId(customerKey(1));
    int b = first.customerId("id:cust-2");
    assertThat(first.customerId(customerKey(1))).isEqualTo(a);
    first.close();

    UsageJournal second = open();

    assertThat(second.customerId("id:cust-2")).isEqualTo(b);
    assertThat(second.customerId(customerKey(1))).isEqualTo(a);
    assertThat(a).isPositive().isNotEqualTo(b);
    assertThat(b).isPositive();
    assertThat(second.customers(0)).containsEntry(a, customerKey(1)).containsEntry(b, "id:cust-2").hasSize(2);
    int c = second.customerId("id:cust-3");
    assertThat(c).isNotIn(a, b).isPositive();
    assertThat(second.customers(c)).containsOnlyKeys(c).containsEntry(c, "id:cust-3");
  }

  @Test
  void recordsCarryTheirCustomerId() {
    UsageJournal journal = open();
    assumeTrue(journal.supportsCustomers(), "the journal records customers");
    int users = journal.dimensionId("users");
    int alice = journal.customerId(customerKey(7));
    int bob = journal.customerId("id:bob");
    assertThat(journal.append(users, alice, 5, 2)).isTrue();
    assertThat(journal.append(users, bob, Long.MAX_VALUE, 0)).isTrue();

    assertThat(readAll(journal, 0)).extracting(JournalRecord::customerId, JournalRecord::quantity,
        JournalRecord::tagSetId, JournalRecord::dimensionId, JournalRecord::epochHour).containsExactly(
        org.assertj.core.groups.Tuple.tuple(alice, 5L, 2, users, HOUR),
        org.assertj.core.groups.Tuple.tuple(bob, Long.MAX_VALUE, 0, users, HOUR));
  }

  @Test
  void recordsWithAndWithoutACustomerInOneHourReadBackInOrder() {
    UsageJournal journal = open();
    assumeTrue(journal.supportsCustomers(), "the journal records customers");
    int users = journal.dimensionId("users");
    int requests = journal.dimensionId("requests");
    int alice = journal.customerId("id:alice");
    List<JournalRecord> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int customer = i % 3 == 0 ? 0 : alice;
      int dimension = i % 2 == 0 ? users : requests;
      boolean appended = customer == 0 && i % 6 == 0
          ? journal.append(dimension, i, i % 4)
          : journal.append(dimension, customer, i, i % 4);
      assertThat(appended).isTrue();
      expected.add(new JournalRecord(0, HOUR, dimension, customer, i, i % 4));
    }

    List<JournalRecord> records = readAll(journal, 0);

    assertThat(records).usingRecursiveFieldByFieldElementComparatorIgnoringFields("position")
        .containsExactlyElementsOf(expected);
    for (int i = 1; i < records.size(); i++) {
      assertThat(records.get(i).position()).isGreaterThan(records.get(i - 1).position());
    }
    try (JournalReader resumed = journal.reader(records.get(25).position())) {
      List<JournalRecord> tail = new ArrayList<>();
      resumed.read((p, h, d, c, q, t) -> tail.add(new JournalRecord(p, h, d, c, q, t)), 1000);
      assertThat(tail).containsExactlyElementsOf(records.subList(25, records.size()));
    }
  }

  @Test
  void concurrentAppendsAreEachReadExactlyOnce() throws Exception {
    UsageJournal journal = open();
    int users = journal.dimensionId("users");
    int threads = 4;
    int perThread = 5_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int tag = t + 1;
      Thread worker = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        for (int i = 0; i < perThread; i++) {
          journal.append(users, i, tag);
        }
      });
      worker.start();
      workers.add(worker);
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }

    List<JournalRecord> records = readAll(journal, 0);

    assertThat(records).hasSize(threads * perThread);
    for (int tag = 1; tag <= threads; tag++) {
      int t = tag;
      assertThat(records.stream().filter(r -> r.tagSetId() == t).mapToLong(JournalRecord::quantity))
          .containsExactlyElementsOf(java.util.stream.LongStream.range(0, perThread).boxed().toList());
    }
  }

  @Test
  void theFreeSpaceGuardRefusesAppendsAndResumesWhenSpaceReturns() throws Exception {
    UsageJournal journal = open();
    int users = journal.dimensionId("users");
    journal.append(users, 1, 0);
    usableBytes.set(10);
    awaitDiskLow(journal, true);

    assertThat(journal.append(users, 2, 0)).isFalse();

    usableBytes.set(Long.MAX_VALUE / 2);
    awaitDiskLow(journal, false);
    assertThat(journal.append(users, 3, 0)).isTrue();
    assertThat(readAll(journal, 0)).extracting(JournalRecord::quantity).containsExactly(1L, 3L);
  }

  /** The guard may sample free space in the background; give it a bounded moment. */
  private static void awaitDiskLow(UsageJournal journal, boolean low) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (journal.diskLow() != low && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(journal.diskLow()).isEqualTo(low);
  }

  @Test
  void appendAfterCloseIsRefusedWithoutThrowing() {
    UsageJournal journal = open();
    int users = journal.dimensionId("users");
    journal.close();

    assertThat(journal.append(users, 1, 0)).isFalse();
  }

  @Test
  void retentionDeletesAPastHourButNeverTheCurrentOne() {
    UsageJournal journal = open();
    int users = journal.dimensionId("users");
    journal.append(users, 1, 0);
    clock.advance(Duration.ofHours(1));
    journal.append(users, 2, 0);

    assertThat(journal.deleteHour(HOUR + 1)).isFalse();
    assertThat(journal.deleteHour(HOUR)).isTrue();

    assertThat(journal.hours()).doesNotContain(HOUR).contains(HOUR + 1);
    assertThat(readAll(journal, 0)).extracting(JournalRecord::quantity).containsExactly(2L);
  }

  @Test
  void aReaderOpenedAtTheEndWhileAnotherThreadAppendsSkipsNothing() throws Exception {
    UsageJournal journal = open();
    int users = journal.dimensionId("users");
    try (BusyAppender appender = new BusyAppender(journal, users);
         JournalReader tracking = journal.reader(0)) {
      for (int round = 0; round < 2_000; round++) {
        while (tracking.read((p, h, d, c, q, t) -> { }, 1_000) > 0) {
          // to the end, for now: the appender goes on
        }
        long checkpoint = tracking.position();
        assertReadersAgreeFrom(journal, checkpoint, tracking, "caught-up checkpoint, round " + round);
      }
      appender.assertHealthy();
    }
  }

  @Test
  void aReaderOpenedAtAnHourNotWrittenYetSkipsNothingOfIt() throws Exception {
    UsageJournal journal = open();
    int users = journal.dimensionId("users");
    try (BusyAppender appender = new BusyAppender(journal, users);
         JournalReader tracking = journal.reader(0)) {
      for (int round = 0; round < 100; round++) {
        long nextHour = clock.epochHour() + 1;
        long checkpoint = journal.firstPositionOfHour(nextHour);
        // Half the rounds open the reader before the hour begins, half while its first record is written.
        if (round % 2 == 0) {
          clock.advance(Duration.ofHours(1));
          assertReadersAgreeFrom(journal, checkpoint, tracking, "hour " + nextHour + " just begun");
        } else {
          try (JournalReader early = journal.reader(checkpoint)) {
            clock.advance(Duration.ofHours(1));
            assertThat(firstRecord(early)).as("reader opened before hour " + nextHour + " began")
                .isEqualTo(firstRecordAtOrAfter(tracking, checkpoint));
          }
        }
      }
      appender.assertHealthy();
    }
  }

  /**
   * A reader opened at {@code from} now must return, first, the record that a reader which has been
   * reading all along returns first at or after {@code from}: nothing appended meanwhile is skipped.
   */
  private static void assertReadersAgreeFrom(UsageJournal journal, long from, JournalReader tracking, String what) {
    JournalRecord first;
    try (JournalReader reader = journal.reader(from)) {
      first = firstRecord(reader);
    }
    JournalRecord expected = firstRecordAtOrAfter(tracking, from);
    assertThat(first).as(what + ": the first record a reader opened at " + from + " returns").isEqualTo(expected);
    assertThat(first.position()).as(what).isGreaterThanOrEqualTo(from);
  }

  private static JournalRecord firstRecordAtOrAfter(JournalReader reader, long from) {
    JournalRecord record;
    do {
      record = firstRecord(reader);
    } while (record.position() < from);
    return record;
  }

  /** The next record the reader returns, waiting (boundedly) for one to be appended. */
  private static JournalRecord firstRecord(JournalReader reader) {
    AtomicReference<JournalRecord> seen = new AtomicReference<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (reader.read((p, h, d, c, q, t) -> seen.set(new JournalRecord(p, h, d, c, q, t)), 1) == 0) {
      assertThat(System.nanoTime()).as("a record arrives within 10 s").isLessThan(deadline);
      Thread.onSpinWait();
    }
    return seen.get();
  }

  /** A thread that appends a record every 1 to 20 microseconds until closed, each with its own quantity. */
  private static final class BusyAppender implements AutoCloseable {
    private final Thread thread;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stop;

    BusyAppender(UsageJournal journal, int dimensionId) {
      thread = new Thread(() -> {
        SplittableRandom random = new SplittableRandom(42);
        try {
          for (long seq = 1; !stop; seq++) {
            if (!journal.append(dimensionId, seq, 0)) {
              refused.incrementAndGet();
            }
            long until = System.nanoTime() + 1_000 + random.nextInt(19_000);
            while (System.nanoTime() < until) {
              Thread.onSpinWait();
            }
          }
        } catch (Throwable t) {
          failure.set(t);
        }
      }, "busy-appender");
      thread.setDaemon(true);
      thread.start();
    }

    void assertHealthy() {
      assertThat(failure.get()).as("the appender thread's failure").isNull();
      assertThat(refused.get()).as("appends refused").isZero();
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join(10_000);
    }
  }
}
