package io.hourmeter.it.reliability;

import io.hourmeter.MeterStatus;
import io.hourmeter.MeteringMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The check every scenario ends with: what was recorded against what the endpoint accepted, what was
 * dead-lettered and what is still pending, per dimension; and the wire rules (no dimension-hour with two
 * quantities, no ClientToken with two requests, no DuplicateRequest or window error we did not cause).
 *
 * <p>Per dimension: {@code recorded <= accepted + deadLettered + pending <= recorded + inDoubt}, where
 * in-doubt units are calls a SIGKILL cut between {@code record()} and its log line (see
 * {@link RecordLog}); with no kills the two bounds meet and the check is an equality. Refused units are
 * counted apart and compared with what the meter counted.
 *
 * <p>Not thread-safe; build, then {@link #violations()} and {@link #table()}.
 */
final class Reconciliation {
  private final String scenario;
  private final MeteringMode mode;
  private final GroundTruth truth;
  private final List<AcceptedRecord> accepted;
  private final List<WireRequest> requests;
  private final List<DeadLetter> deadLetters;
  private final Map<String, Long> pending;
  private final Long refusedCounted;
  private final Set<String> allowedDeadLetterReasons;
  private final boolean expectDrained;
  private final boolean windowErrorsAllowed;
  private final List<String> ledgerMismatches;

  private Reconciliation(Builder b) {
    this.scenario = b.scenario;
    this.mode = b.mode;
    this.truth = Objects.requireNonNull(b.truth, "truth");
    this.accepted = List.copyOf(b.accepted);
    this.requests = List.copyOf(b.requests);
    this.deadLetters = List.copyOf(b.deadLetters);
    this.pending = Map.copyOf(b.pending);
    this.refusedCounted = b.refusedCounted;
    this.allowedDeadLetterReasons = Set.copyOf(b.allowedDeadLetterReasons);
    this.expectDrained = b.expectDrained;
    this.windowErrorsAllowed = b.windowErrorsAllowed;
    this.ledgerMismatches = List.copyOf(b.ledgerMismatches);
  }

  static Builder builder(String scenario, MeteringMode mode) {
    return new Builder(scenario, mode);
  }

  /** Every dimension that appears anywhere. */
  Set<String> dimensions() {
    Set<String> all = new TreeSet<>();
    all.addAll(truth.recorded().keySet());
    all.addAll(truth.refused().keySet());
    all.addAll(truth.inDoubt().keySet());
    accepted.stream().filter(r -> !r.foreign()).forEach(r -> all.add(r.dimension()));
    deadLetters.forEach(d -> all.add(d.dimension()));
    all.addAll(pending.keySet());
    return all;
  }

  long acceptedUnits(String dimension) {
    return accepted.stream().filter(r -> !r.foreign() && r.dimension().equals(dimension))
        .mapToLong(AcceptedRecord::quantity).sum();
  }

  /** Dead-lettered units that AWS did not bill (an outcome-unknown letter that it did bill is not counted). */
  long deadLetteredUnits(String dimension) {
    return deadLetters.stream().filter(d -> d.dimension().equals(dimension) && !billed(d))
        .mapToLong(DeadLetter::quantity).sum();
  }

  /** Units in outcome-unknown dead letters that the endpoint had in fact recorded (billed once, so fine). */
  long unknownButBilledUnits(String dimension) {
    return deadLetters.stream().filter(d -> d.dimension().equals(dimension) && billed(d))
        .mapToLong(DeadLetter::quantity).sum();
  }

  /**
   * What an operator does with an outcome-unknown dead letter: look it up in AWS's records. It was
   * billed if the endpoint holds our record for it: the same ClientToken (AgentCore), or the same
   * dimension, hour and quantity (hourly). Such units are already in the accepted column.
   */
  boolean billed(DeadLetter d) {
    if (!d.outcomeUnknown()) {
      return false;
    }
    return accepted.stream().filter(r -> !r.foreign()).anyMatch(r -> d.clientToken() != null
        ? d.clientToken().equals(r.clientToken()) && r.quantity() == d.quantity()
        : r.clientToken() == null && r.dimension().equals(d.dimension()) && r.epochHour() == d.epochHour()
            && r.quantity() == d.quantity());
  }

  Map<String, Long> deadLetteredByReason(String dimension) {
    return deadLetters.stream().filter(d -> d.dimension().equals(dimension) && !billed(d))
        .collect(Collectors.groupingBy(DeadLetter::reason, TreeMap::new, Collectors.summingLong(DeadLetter::quantity)));
  }

  /** Everything that is wrong; empty when the run reconciles. */
  List<String> violations() {
    List<String> problems = new ArrayList<>();
    checkBalances(problems);
    checkDeadLetters(problems);
    checkRefused(problems);
    if (mode == MeteringMode.HOURLY) {
      checkOneQuantityPerHour(problems);
    } else {
      checkOneRequestPerToken(problems);
    }
    checkAnswers(problems);
    ledgerMismatches.forEach(m -> problems.add("ledger and journal disagree: " + m));
    return problems;
  }

  private void checkBalances(List<String> problems) {
    for (String dimension : dimensions()) {
      long recorded = truth.recorded(dimension);
      long accounted = acceptedUnits(dimension) + deadLetteredUnits(dimension) + pending.getOrDefault(dimension, 0L);
      long upper = recorded + truth.inDoubt(dimension);
      if (accounted < recorded) {
        problems.add(dimension + ": LOST " + (recorded - accounted) + " units: recorded " + recorded
            + " but accepted+dead-lettered+pending " + accounted);
      } else if (accounted > upper) {
        problems.add(dimension + ": DOUBLED " + (accounted - upper) + " units: accepted+dead-lettered+pending "
            + accounted + " but recorded " + recorded + " (+" + truth.inDoubt(dimension) + " in doubt)");
      }
      if (expectDrained && pending.getOrDefault(dimension, 0L) != 0) {
        problems.add(dimension + ": " + pending.get(dimension) + " units still pending after the final drain");
      }
    }
  }

  private void checkDeadLetters(List<String> problems) {
    for (DeadLetter d : deadLetters) {
      if (d.reason() == null || d.reason().isBlank()) {
        problems.add("dead letter without a reason: " + d);
      } else if (allowedDeadLetterReasons.stream().noneMatch(d.reason()::contains)) {
        problems.add("unexpected dead letter (allowed reasons " + allowedDeadLetterReasons + "): " + d);
      }
    }
  }

  private void checkRefused(List<String> problems) {
    if (refusedCounted != null && refusedCounted != truth.totalRefused()) {
      problems.add("refused units: the meter counted " + refusedCounted + " but record() returned false for "
          + truth.totalRefused());
    }
  }

  /** Hourly: one quantity per (dimension, hour), among our requests and among everything accepted. */
  private void checkOneQuantityPerHour(List<String> problems) {
    Map<String, Set<Long>> sentQuantities = new TreeMap<>();
    for (WireRequest r : requests) {
      if (!r.foreign()) {
        sentQuantities.computeIfAbsent(r.dimension() + "@" + r.epochHour(), k -> new TreeSet<>()).add(r.quantity());
      }
    }
    sentQuantities.forEach((hour, quantities) -> {
      if (quantities.size() > 1) {
        problems.add("hour " + hour + " was sent with different quantities " + quantities);
      }
    });
    Map<String, Set<Long>> acceptedQuantities = new TreeMap<>();
    Map<String, Integer> acceptedCount = new HashMap<>();
    for (AcceptedRecord r : accepted) {
      String hour = r.dimension() + "@" + r.epochHour();
      acceptedQuantities.computeIfAbsent(hour, k -> new TreeSet<>()).add(r.quantity());
      acceptedCount.merge(hour, 1, Integer::sum);
    }
    acceptedQuantities.forEach((hour, quantities) -> {
      if (quantities.size() > 1 || acceptedCount.get(hour) > 1) {
        problems.add("hour " + hour + " was billed " + acceptedCount.get(hour) + " times, quantities " + quantities);
      }
    });
  }

  /** AgentCore: one request per ClientToken, and one accepted record per token. */
  private void checkOneRequestPerToken(List<String> problems) {
    Map<String, Set<String>> byToken = new TreeMap<>();
    for (WireRequest r : requests) {
      if (r.clientToken() == null) {
        problems.add("an AgentCore request without a ClientToken: " + r);
        continue;
      }
      byToken.computeIfAbsent(r.clientToken(), k -> new HashSet<>())
          .add(r.dimension() + "|" + r.timestamp() + "|" + r.quantity());
    }
    byToken.forEach((token, variants) -> {
      if (variants.size() > 1) {
        problems.add("ClientToken " + token + " was used with different parameters " + variants);
      }
    });
    Map<String, Long> acceptedPerToken = accepted.stream().filter(r -> r.clientToken() != null)
        .collect(Collectors.groupingBy(AcceptedRecord::clientToken, Collectors.counting()));
    acceptedPerToken.forEach((token, n) -> {
      if (n > 1) {
        problems.add("ClientToken " + token + " has " + n + " accepted records");
      }
    });
  }

  private void checkAnswers(List<String> problems) {
    Set<String> foreignHours = requests.stream().filter(WireRequest::foreign)
        .map(r -> r.dimension() + "@" + r.epochHour()).collect(Collectors.toSet());
    accepted.stream().filter(AcceptedRecord::foreign).forEach(r -> foreignHours.add(r.dimension() + "@" + r.epochHour()));
    for (WireRequest r : requests) {
      if (r.foreign()) {
        continue;
      }
      String answer = r.answer() == null ? "" : r.answer();
      if (answer.contains("IdempotencyConflict")) {
        problems.add("the endpoint answered IdempotencyConflict: " + r);
      } else if (answer.contains("DuplicateRequest") && !foreignHours.contains(r.dimension() + "@" + r.epochHour())) {
        problems.add("the endpoint answered DuplicateRequest for an hour no one else metered: " + r);
      } else if (answer.contains("TimestampOutOfBounds") && !windowErrorsAllowed) {
        problems.add("a request outside the six-hour window was sent: " + r);
      }
    }
  }

  /** The reconciliation as a table, for the test's output. */
  String table() {
    StringBuilder out = new StringBuilder();
    out.append("\n=== reconciliation: ").append(scenario).append(" (").append(mode).append(") ===\n");
    String format = "%-12s %12s %9s %12s %12s %8s %9s %10s  %s%n";
    out.append(String.format(format, "dimension", "recorded", "in-doubt", "accepted", "dead-letter", "pending",
        "refused", "unk.billed", "dead letters by reason (units)"));
    long[] totals = new long[7];
    for (String d : dimensions()) {
      long[] row = {truth.recorded(d), truth.inDoubt(d), acceptedUnits(d), deadLetteredUnits(d),
          pending.getOrDefault(d, 0L), truth.refused(d), unknownButBilledUnits(d)};
      for (int i = 0; i < row.length; i++) {
        totals[i] += row[i];
      }
      out.append(String.format(format, d, row[0], row[1], row[2], row[3], row[4], row[5], row[6],
          deadLetteredByReason(d)));
    }
    out.append(String.format(format, "TOTAL", totals[0], totals[1], totals[2], totals[3], totals[4], totals[5],
        totals[6], ""));
    out.append("(accepted: units in records the endpoint accepted from us; unk.billed: of those, units that a dead "
        + "letter with an unknown outcome also holds, so billed once; in-doubt: calls cut by SIGKILL between "
        + "record() and its log line)\n");
    long ours = requests.stream().filter(r -> !r.foreign()).count();
    Map<String, Long> answers = requests.stream().filter(r -> !r.foreign())
        .collect(Collectors.groupingBy(r -> String.valueOf(r.answer()), TreeMap::new, Collectors.counting()));
    out.append("requests sent: ").append(ours).append(" ").append(answers).append("; accepted records: ")
        .append(accepted.stream().filter(r -> !r.foreign()).count()).append(" (+")
        .append(accepted.stream().filter(AcceptedRecord::foreign).count()).append(" foreign)")
        .append("; refused counted by the meter: ").append(refusedCounted == null ? "n/a" : refusedCounted)
        .append("\n");
    List<String> problems = violations();
    out.append(problems.isEmpty() ? "RECONCILED: nothing lost, nothing doubled\n"
        : "VIOLATIONS:\n  " + String.join("\n  ", problems) + "\n");
    return out.toString();
  }

  /** Collects a reconciliation's inputs. */
  static final class Builder {
    private final String scenario;
    private final MeteringMode mode;
    private GroundTruth truth;
    private final List<AcceptedRecord> accepted = new ArrayList<>();
    private final List<WireRequest> requests = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final Map<String, Long> pending = new TreeMap<>();
    private Long refusedCounted;
    private final Set<String> allowedDeadLetterReasons = new HashSet<>();
    private boolean expectDrained = true;
    private boolean windowErrorsAllowed;
    private final List<String> ledgerMismatches = new ArrayList<>();

    private Builder(String scenario, MeteringMode mode) {
      this.scenario = scenario;
      this.mode = mode;
    }

    Builder truth(GroundTruth truth) {
      this.truth = truth;
      return this;
    }

    Builder accepted(List<AcceptedRecord> records) {
      accepted.addAll(records);
      return this;
    }

    Builder requests(List<WireRequest> log) {
      requests.addAll(log);
      return this;
    }

    Builder deadLetters(List<DeadLetter> letters) {
      deadLetters.addAll(letters);
      return this;
    }

    Builder pending(Map<String, Long> units) {
      units.forEach((d, q) -> pending.merge(d, q, Long::sum));
      return this;
    }

    /** What the meter's status counted as refused; compared with the logs' false returns. */
    Builder refusedCounted(long units) {
      this.refusedCounted = units;
      return this;
    }

    /** Dead letters are a violation unless their reason contains one of these. */
    Builder allowDeadLetters(String... reasonFragments) {
      allowedDeadLetterReasons.addAll(List.of(reasonFragments));
      return this;
    }

    /** Whether units may still be pending (a scenario that ends mid-run). Default: none may. */
    Builder pendingAllowed() {
      this.expectDrained = false;
      return this;
    }

    /** Whether TimestampOutOfBounds answers are expected (the endpoint's clock disagrees on purpose). */
    Builder windowErrorsAllowed() {
      this.windowErrorsAllowed = true;
      return this;
    }

    /** Hours whose frozen sums the ledger accounted differently from the journal (inspection's verify). */
    Builder ledgerMismatches(List<String> mismatches) {
      ledgerMismatches.addAll(mismatches);
      return this;
    }

    /**
     * What the endpoint accepted and was sent, and what the ledger of {@code journal} dead-lettered and
     * accounted differently from the journal: the observations every scenario reconciles against.
     */
    Builder observed(EndpointFixture endpoint, Path journal) {
      return accepted(endpoint.accepted())
          .requests(endpoint.requests())
          .deadLetters(Inspection.deadLetters(journal))
          .ledgerMismatches(Inspection.ledgerMismatches(journal));
    }

    /** Pending and refused units as an in-process meter's status shows them. */
    Builder status(MeterStatus status) {
      return pending(StatusLine.pendingByDimension(status)).refusedCounted(status.refusedUnits());
    }

    Reconciliation build() {
      return new Reconciliation(this);
    }
  }
}
