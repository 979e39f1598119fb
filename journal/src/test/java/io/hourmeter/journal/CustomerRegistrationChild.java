package io.hourmeter.journal;

import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.testing.MutableClock;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * A child JVM that registers customer keys {@link #key}(n) for n from {@code first} up to (not
 * including) {@code last}, on several threads (thread t takes n = first + t, first + t + threads, ...),
 * and after each id is returned writes {@code key TAB id} as one line to its log with one
 * {@code write} call, so that the log survives SIGKILL of this process and never claims an id that had
 * not been returned.
 *
 * <p>Arguments: directory, first, last, threads, log file, and {@code journal} (register through
 * {@link ChronicleUsageJournal#customerId}) or {@code registry} (a {@link IdRegistry#customers customer registry} on the
 * directory's lock file, as the journal makes it, without Chronicle's start-up cost). It prints READY
 * once open, waits for a file named {@code go} in the directory's parent, and prints DONE at the end.
 */
public final class CustomerRegistrationChild {
  private CustomerRegistrationChild() { }

  /** The key of customer n: as long as a real LicenseArn-based key, so the registry file grows realistically. */
  static String key(int n) {
    return "acct:" + (100_000_000_000L + n) + ":arn:aws:license-manager::294406891311:license/l-"
        + Integer.toHexString(n * 31 + 7) + "a1b2c3d4e5f60718293a4b5c6d7e8f90";
  }

  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    int first = Integer.parseInt(args[1]);
    int last = Integer.parseInt(args[2]);
    int threads = Integer.parseInt(args[3]);
    Path log = Path.of(args[4]);
    boolean viaJournal = args[5].equals("journal");

    ChronicleUsageJournal journal = null;
    ToIntFunction<String> register;
    if (viaJournal) {
      journal = ChronicleUsageJournal.open(new JournalSettings(directory, MutableClock.atHour(400_000), 0,
          FreeSpaceProbe.fileSystem()));
      register = journal::customerId;
    } else {
      OwnerOnly.directory(directory);
      IdRegistry registry = IdRegistry.customers(directory, new DirectoryLock(directory.resolve("journal.lock")));
      register = registry::idOf;
    }
    System.out.println("READY");
    System.out.flush();
    Path go = directory.getParent().resolve("go");
    while (!Files.exists(go)) {
      Thread.sleep(1);
    }
    try (FileChannel out = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int start = first + t;
        Thread worker = new Thread(() -> {
          for (int n = start; n < last; n += threads) {
            String key = key(n);
            int id = register.applyAsInt(key);
            byte[] line = (key + "\t" + id + "\n").getBytes(StandardCharsets.UTF_8);
            try {
              // One write of an O_APPEND channel: lines of the threads never interleave.
              int written = out.write(ByteBuffer.wrap(line));
              if (written != line.length) {
                throw new IllegalStateException("short write to the log");
              }
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        }, "registrar-" + t);
        workers.add(worker);
        worker.start();
      }
      for (Thread worker : workers) {
        worker.join();
      }
    }
    if (journal != null) {
      journal.close();
    }
    System.out.println("DONE");
    System.out.flush();
  }
}
