package io.hourmeter.internal.drain;

import io.hourmeter.HourmeterException.Kind;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator requests to re-queue dead letters, as files {@code hourmeter-requeue/<reportId>.requeue}
 * in the journal directory. Anyone may write one at any time (the CLI does, while the application
 * runs); only the drainer, which holds the lock, acts on them, so the ledger keeps a single writer.
 *
 * <p>What a re-queue does is decided by {@link #plan}, in one place, for the drainer when it acts and
 * for the CLI when it shows what will happen ({@link Action}):
 * <ul>
 *   <li>an outcome-unknown letter (AWS may hold an earlier send) goes back to FROZEN still
 *       outcome-unknown while its window is open, and is resent identically, never carried; once the
 *       window has closed it is refused, unless the operator asserts, having checked AWS's records,
 *       that it was not billed: then it is carried;</li>
 *   <li>a letter whose MeterUsage key (dimension-hour) already has a report (frozen, in flight,
 *       accepted, carried, or a dead letter that was sent; or AWS answered DuplicateRequest) is carried
 *       into the next unfrozen hour: resending it would send a second quantity for a reported hour;</li>
 *   <li>a letter past its carry deadline is carried;</li>
 *   <li>any other goes back to FROZEN, byte-identical on the wire, and is sent in its own hour.</li>
 * </ul>
 * A carried letter's units go into its dimension's carry pool whatever the {@code CarryPolicy}: the
 * operator's re-queue is the decision that policy leaves to them. A quarantined dimension is released.
 *
 * <p>Thread-safety: {@link #request} and {@link #plan} may be called from any thread or process; the
 * rest from the drainer thread.
 */
public final class RequeueRequests {
  private static final Logger LOG = LoggerFactory.getLogger(RequeueRequests.class);
  public static final String DIRECTORY = "hourmeter-requeue";
  static final String SUFFIX = ".requeue";
  static final String NOT_BILLED = "not-billed";
  static final Duration EVERY = Duration.ofSeconds(5);

  /** What re-queueing a dead letter does. */
  public enum Action {
    /** Back to FROZEN; sent byte-identical in its own hour. */
    RESEND,
    /** Back to FROZEN and still outcome-unknown: resent identically until its window closes, never carried. */
    RESEND_OUTCOME_UNKNOWN,
    /** Its units go into the dimension's carry pool and are billed in the next unfrozen hour. */
    CARRY,
    /** Nothing changes: the report stays as it is (see {@link Placement#why()}). */
    REFUSE
  }

  /** What re-queueing one report does, and why. */
  public record Placement(long reportId, Action action, String why) { }

  private final Path directory;
  private Instant next = Instant.MIN;

  RequeueRequests(Path journalDirectory) {
    this.directory = journalDirectory.resolve(DIRECTORY);
  }

  /**
   * Writes a request (atomically: temp file, then rename) for the drainer to act on.
   *
   * @param notBilled the operator asserts, having checked AWS's records, that AWS did not bill the
   *                  report; needed to carry an outcome-unknown letter whose window has closed
   */
  public static Path request(Path journalDirectory, long reportId, boolean notBilled) {
    Path dir = journalDirectory.resolve(DIRECTORY);
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "req", ".tmp");
      Files.writeString(tmp, reportId + (notBilled ? " " + NOT_BILLED : ""));
      return Files.move(tmp, dir.resolve(reportId + SUFFIX), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a re-queue request in " + dir, e);
    }
  }

  /**
   * Decides, in order, what re-queueing each report does against {@code reports} (every report of the
   * ledger, by id); an earlier re-queue in the same plan counts for a later one's hour.
   *
   * @param requests report id to whether the operator asserts it was not billed, in order
   */
  public static List<Placement> plan(NavigableMap<Long, UsageReport> reports, Map<Long, Boolean> requests,
      Instant now, ReportWindow window) {
    TreeMap<Long, UsageReport> view = new TreeMap<>(reports);
    List<Placement> plan = new ArrayList<>();
    requests.forEach((id, notBilled) -> {
      Placement placement = place(view, view.get(id), id, notBilled, now, window);
      plan.add(placement);
      if (placement.action() == Action.RESEND || placement.action() == Action.RESEND_OUTCOME_UNKNOWN) {
        view.put(id, view.get(id).requeued(now));
      }
    });
    return plan;
  }

  private static Placement place(NavigableMap<Long, UsageReport> reports, UsageReport letter, long id,
      boolean notBilled, Instant now, ReportWindow window) {
    if (letter == null || letter.state() != ReportState.DEAD_LETTERED) {
      return new Placement(id, Action.REFUSE, "report " + id + " is "
          + (letter == null ? "unknown" : letter.state()) + ", not DEAD_LETTERED");
    }
    if (letter.outcomeUnknown()) {
      Instant deadline = window.outcomeUnknownDeadline(letter);
      if (now.isBefore(deadline)) {
        return new Placement(id, Action.RESEND_OUTCOME_UNKNOWN, "its outcome is unknown (AWS may have "
            + "recorded it): resent identically until " + deadline + ", never carried");
      }
      if (notBilled) {
        return new Placement(id, Action.CARRY, "the operator asserts AWS did not bill it, and its window "
            + "closed at " + window.closes(letter) + ": carried into the next unfrozen hour");
      }
      return new Placement(id, Action.REFUSE, "its outcome is unknown and its window closed at "
          + window.closes(letter) + ": AWS may have billed it; check AWS's records, and re-queue with "
          + "--not-billed only if AWS did not bill it");
    }
    String taken = hourTakenBy(reports, letter);
    if (taken != null) {
      return new Placement(id, Action.CARRY, "its hour " + letter.timestamp() + " already has " + taken
          + ": carried into the next unfrozen hour, never sent as a second quantity for that hour");
    }
    if (!now.isBefore(window.carryDeadline(letter))) {
      return new Placement(id, Action.CARRY, "its window closes at " + window.closes(letter)
          + ": carried into the next unfrozen hour");
    }
    return new Placement(id, Action.RESEND, "sent unchanged in its own hour " + letter.timestamp());
  }

  /** What holds the letter's MeterUsage key already, or {@code null}. */
  private static String hourTakenBy(NavigableMap<Long, UsageReport> reports, UsageReport letter) {
    if (letter.reason() != null && letter.reason().startsWith(ReportSender.DUPLICATE_REQUEST)) {
      return "another quantity at AWS (DuplicateRequest)";
    }
    for (UsageReport other : reports.values()) {
      boolean neverSentLetter = other.state() == ReportState.DEAD_LETTERED && other.attempts() == 0;
      if (other.id() != letter.id() && !neverSentLetter && letter.sameHourlyKey(other)) {
        return "report " + other.id() + " (" + other.state() + ")";
      }
    }
    return null;
  }

  /** Acts on pending requests, at most every {@link #EVERY}; returns how many reports were re-queued. */
  int poll(LedgerState state, ReportSender sender, Instant now) {
    if (now.isBefore(next) || !Files.isDirectory(directory)) {
      return 0;
    }
    next = now.plus(EVERY);
    Map<Long, Boolean> requests = new TreeMap<>();
    List<Path> files = read(requests);
    LedgerTransaction tx = state.begin();
    List<Long> resend = new ArrayList<>();
    List<Placement> plan = plan(state.reports(), requests, now, sender.window());
    for (Placement placement : plan) {
      UsageReport letter = tx.report(placement.reportId());
      switch (placement.action()) {
        case RESEND, RESEND_OUTCOME_UNKNOWN -> {
          tx.put(letter.requeued(now));
          resend.add(letter.id());
        }
        case CARRY -> {
          tx.put(letter.finish(ReportState.CARRIED, "re-queued: " + placement.why(), now));
          tx.addCarry(letter, letter.quantity(), false);
        }
        case REFUSE -> sender.board().error(Kind.DEAD_LETTER, "re-queue of report " + placement.reportId()
            + " refused: " + placement.why(), null, now);
        default -> throw new IllegalStateException("unmapped action " + placement.action());
      }
      if (placement.action() != Action.REFUSE && state.quarantined().containsKey(letter.dimension())) {
        tx.unquarantine(letter.dimension());
      }
    }
    state.commit(tx);
    for (Path file : files) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warn("cannot delete re-queue request {}", file, e);
      }
    }
    resend.forEach(id -> sender.schedule(id, now));
    plan.stream().filter(p -> p.action() != Action.REFUSE)
        .forEach(p -> LOG.info("re-queued dead letter {}: {} ({})", p.reportId(), p.action(), p.why()));
    return (int) plan.stream().filter(p -> p.action() != Action.REFUSE).count();
  }

  /** Reads the request files into {@code requests}; returns every file read, to delete once acted on. */
  private List<Path> read(Map<Long, Boolean> requests) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      stream.forEach(files::add);
    } catch (IOException e) {
      LOG.warn("cannot list re-queue requests in {}", directory, e);
      return List.of();
    }
    for (Path file : files) {
      String name = file.getFileName().toString();
      try {
        long id = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
        requests.put(id, Files.readString(file).strip().endsWith(" " + NOT_BILLED));
      } catch (NumberFormatException | IOException e) {
        LOG.warn("ignoring malformed or unreadable re-queue request {}", file, e);
      }
    }
    return files;
  }
}
