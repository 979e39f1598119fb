package io.hourmeter.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Buyer;
import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeteringMode;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A SaaS journal directory built as an application builds one: a real {@link Meter} in
 * {@link MeteringMode#SAAS} with its drainer thread, on core's in-memory storage (it records customers;
 * the CLI is handed the same storage), and {@link BatchUsageSubmitter}, on a clock the test moves.
 * Hour H (2026-11-30T23:00Z, the month's last, so its deadline is the month-end cut-off) holds A users
 * 3+2, B users 4 and C requests 7; A's and C's reports are accepted, B is not subscribed, so B's report
 * is dead-lettered and B quarantined. Hour H+1 is open with A users 1. A is an account without license,
 * B an account and license, C a legacy CustomerIdentifier.
 */
final class SaasJournal implements AutoCloseable {
  static final String PRODUCT = "prod-saas-cli";
  /** 2026-11-30T23:00Z. */
  static final long H = 498_911;
  static final Buyer A = Buyer.ofAccount("111122223333");
  static final Buyer B = Buyer.of("444455556666", "arn:aws:license-manager::444455556666:license:l-0123456789abcdef0");
  static final Buyer C = Buyer.ofCustomerIdentifier("legacy-cust-7");

  final Path directory;
  final InMemoryStorage storage = new InMemoryStorage();
  final MutableClock clock = MutableClock.atHour(H);
  final BatchUsageSubmitter submitter = new BatchUsageSubmitter(Set.of(B));
  final Meter meter;

  SaasJournal(Path directory) throws InterruptedException, IOException {
    this.directory = directory;
    meter = Meter.builder()
        .productCode(PRODUCT)
        .dimensions("users", "requests")
        .mode(MeteringMode.SAAS)
        .storage(storage)
        .journalDirectory(directory)
        .submitter(submitter)
        .clock(clock)
        .hourGrace(Duration.ofMinutes(1))
        .sendJitter(Duration.ZERO)
        .build();
    // The in-memory journal keeps nothing on disk; the CLI recognises a journal directory by its marker.
    Files.writeString(directory.resolve(JournalLayout.MARKER), "in-memory");
    record(A, "users", 3);
    record(A, "users", 2);
    record(B, "users", 4);
    record(C, "requests", 7);
    clock.advance(Duration.ofHours(1));
    record(A, "users", 1);
    clock.advance(Duration.ofMinutes(2));
    await(s -> s.acceptedReports() == 2 && s.deadLetteredReports() == 1, "A and C accepted, B dead-lettered");
  }

  private void record(Buyer buyer, String dimension, long units) {
    assertThat(meter.record(buyer, dimension, units)).isTrue();
  }

  MeterStatus await(Predicate<MeterStatus> condition, String what) throws InterruptedException {
    return MeteredJournal.await(meter, condition, what);
  }

  /** The CLI run on this directory's storage. */
  CliRun cli(String command, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = command;
    all[1] = directory.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return CliRun.of(storage, all);
  }

  @Override
  public void close() {
    meter.close();
  }
}
