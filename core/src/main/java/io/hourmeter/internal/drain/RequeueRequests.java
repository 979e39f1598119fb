package io.hourmeter.internal.drain;

import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator requests to re-queue dead letters, as files {@code hourmeter-requeue/<reportId>.requeue}
 * in the journal directory. Anyone may write one at any time (the CLI does, while the application
 * runs); only the drainer, which holds the lock, acts on them, so the ledger keeps a single writer.
 *
 * <p>Re-queueing moves a DEAD_LETTERED report back to FROZEN, byte-identical on the wire, with its
 * "outcome unknown" mark cleared: the operator asserts that AWS did not bill it. If its window has
 * passed, the usual deadline rule then carries it. A quarantined dimension is released with it.
 * Thread-safety: {@link #request} may be called from any process; the rest from the drainer thread.
 */
public final class RequeueRequests {
  private static final Logger LOG = LoggerFactory.getLogger(RequeueRequests.class);
  public static final String DIRECTORY = "hourmeter-requeue";
  static final String SUFFIX = ".requeue";
  static final Duration EVERY = Duration.ofSeconds(5);

  private final Path directory;
  private Instant next = Instant.MIN;

  RequeueRequests(Path journalDirectory) {
    this.directory = journalDirectory.resolve(DIRECTORY);
  }

  /** Writes a request (atomically: temp file, then rename) for the drainer to act on. */
  public static Path request(Path journalDirectory, long reportId) {
    Path dir = journalDirectory.resolve(DIRECTORY);
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "req", ".tmp");
      Files.writeString(tmp, Long.toString(reportId));
      return Files.move(tmp, dir.resolve(reportId + SUFFIX), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a re-queue request in " + dir, e);
    }
  }

  /** Acts on pending requests, at most every {@link #EVERY}; returns how many reports were re-queued. */
  int poll(LedgerState state, ReportSender sender, Instant now) {
    if (now.isBefore(next) || !Files.isDirectory(directory)) {
      return 0;
    }
    next = now.plus(EVERY);
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      stream.forEach(files::add);
    } catch (IOException e) {
      LOG.warn("cannot list re-queue requests in {}", directory, e);
      return 0;
    }
    LedgerTransaction tx = state.begin();
    List<Long> requeued = new ArrayList<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      long id;
      try {
        id = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
      } catch (NumberFormatException e) {
        LOG.warn("ignoring malformed re-queue request {}", file);
        continue;
      }
      UsageReport report = tx.report(id);
      if (report == null || report.state() != ReportState.DEAD_LETTERED) {
        LOG.warn("re-queue request for report {} ignored: it is {}", id, report == null ? "unknown" : report.state());
        continue;
      }
      UsageReport frozen = report.moveTo(ReportState.FROZEN, now);
      tx.put(new UsageReport(frozen.id(), frozen.productCode(), frozen.dimension(), frozen.epochHour(),
          frozen.timestamp(), frozen.quantity(), frozen.allocations(), frozen.clientToken(), frozen.rangeStart(),
          frozen.rangeEnd(), ReportState.FROZEN, frozen.attempts(), false, null, null, now));
      if (state.quarantined().containsKey(report.dimension())) {
        tx.unquarantine(report.dimension());
      }
      requeued.add(id);
    }
    state.commit(tx);
    for (Path file : files) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warn("cannot delete re-queue request {}", file, e);
      }
    }
    requeued.forEach(id -> sender.schedule(id, now));
    if (!requeued.isEmpty()) {
      LOG.info("re-queued dead letters {}", requeued);
    }
    return requeued.size();
  }
}
