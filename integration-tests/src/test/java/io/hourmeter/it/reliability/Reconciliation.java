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
 * dead-lettered and what is still pending, per key ({@link Keys}: the dimension, or in SaaS mode the
 * buyer and the dimension); and the wire rules (no dimension-hour, or buyer's dimension-hour, with two
 * quantities, no ClientToken with two requests, no DuplicateRequest, DuplicateRecord or window error we
 * did not cause).
 *
 * <p>Per key: {@code recorded <= accepted + deadLettered + pending <= recorded + inDoubt}, where
 * in-doubt units are calls a SIGKILL cut between {@code record()} and its log line (see
 * {@link RecordLog}); with no kills the two bounds meet and the check is an equality. Refused units are
 * counted apart and compared with what the meter counted. No key may be billed that no call recorded
 * (in SaaS: no buyer billed for another buyer's usage), and buyers {@linkplain Builder#unsubscribed
 * declared unsubscribed} must never be billed, their usage dead-lettered as CustomerNotSubscribed.
 *
 * <p>SaaS: the meter's status shows pending units per dimension only, summed over buyers, so they are
 * checked as a total (a SaaS scenario ends drained), not per key.
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
  private final Set<String> unsubscribed;
  /** Lazily computed sums (the inputs never change after build). */
  private Map<String, Long> acceptedByKey;
  private Map<String, Long> deadLetteredByKey;

  /** The reason fragment of a buyer AWS would not bill (its report's, or its quarantine's). */
  static final String NOT_SUBSCRIBED = "CustomerNotSubscribed";
  /** Above this many keys, {@link #table()} prints totals per dimension and the worst rows only. */
  static final int FULL_TABLE_ROWS = 30;
  /** How many rows a summarised table shows besides the totals. */
  static final int WORST_ROWS = 12;

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
    this.unsubscribed = Set.copyOf(b.unsubscribed);
  }

  static Builder builder(String scenario, MeteringMode mode) {
    return new Builder(scenario, mode);
  }

  /** Whether keys carry buyers (SaaS), so that pending units, known per dimension only, are checked as a total. */
  private boolean keyedByBuyer() {
    return mode == MeteringMode.SAAS;
  }

  /** Every key that appears anywhere. */
  Set<String> keys() {
    Set<String> all = new TreeSet<>();
    all.addAll(truth.recorded().keySet());
    all.addAll(truth.refused().keySet());
    all.addAll(truth.inDoubt().keySet());
    accepted.stream().filter(r -> !r.foreign()).forEach(r -> all.add(r.key()));
    deadLetters.forEach(d -> all.add(d.key()));
    if (!keyedByBuyer()) {
      all.addAll(pending.keySet());
    }
    return all;
  }

  long acceptedUnits(String key) {
    return acceptedUnits().getOrDefault(key, 0L);
  }

  /** Dead-lettered units that AWS did not bill (an outcome-unknown letter that it did bill is not counted). */
  long deadLetteredUnits(String key) {
    return deadLetteredUnits().getOrDefault(key, 0L);
  }

  /** Units in outcome-unknown dead letters that the endpoint had in fact recorded (billed once, so fine). */
  long unknownButBilledUnits(String key) {
    return deadLetters.stream().filter(d -> d.key().equals(key) && billed(d)).mapToLong(DeadLetter::quantity).sum();
  }

  private long pendingUnits(String key) {
    return keyedByBuyer() ? 0 : pending.getOrDefault(key, 0L);
  }

  /** Our accepted units per key, computed once: a SaaS run has thousands of keys and tens of thousands of records. */
  private Map<String, Long> acceptedUnits() {
    if (acceptedByKey == null) {
      acceptedByKey = accepted.stream().filter(r -> !r.foreign())
          .collect(Collectors.groupingBy(AcceptedRecord::key, HashMap::new, Collectors.summingLong(AcceptedRecord::quantity)));
    }
    return acceptedByKey;
  }

  private Map<String, Long> deadLetteredUnits() {
    if (deadLetteredByKey == null) {
      deadLetteredByKey = deadLetters.stream().filter(d -> !billed(d))
          .collect(Collectors.groupingBy(DeadLetter::key, HashMap::new, Collectors.summingLong(DeadLetter::quantity)));
    }
    return deadLetteredByKey;
  }

  /**
   * What an operator does with an outcome-unknown dead letter: look it up in AWS's records. It was
   * billed if the endpoint holds our record for it: the same ClientToken (AgentCore), or the same key
   * (dimension, and buyer in SaaS), hour and quantity (hourly, SaaS). Such units are already in the
   * accepted column.
   */
  boolean billed(DeadLetter d) {
    if (!d.outcomeUnknown()) {
      return false;
    }
    return accepted.stream().filter(r -> !r.foreign()).anyMatch(r -> d.clientToken() != null
        ? d.clientToken().equals(r.clientToken()) && r.quantity() == d.quantity()
        : r.clientToken() == null && r.key().equals(d.key()) && r.epochHour() == d.epochHour()
            && r.quantity() == d.quantity());
  }

  Map<String, Long> deadLetteredByReason(String key) {
    return deadLetters.stream().filter(d -> d.key().equals(key) && !billed(d))
        .collect(Collectors.groupingBy(DeadLetter::reason, TreeMap::new, Collectors.summingLong(DeadLetter::quantity)));
  }

  /**
   * The kind of a dead letter's reason, without the parts that name its report or hour: the text before
   * the first colon ({@code CustomerNotSubscribed}, {@code OUTCOME_UNKNOWN},
   * {@code buyer quarantined (CustomerNotSubscribed}, ...).
   */
  static String reasonKind(String reason) {
    int colon = reason == null ? -1 : reason.indexOf(':');
    return colon < 0 ? String.valueOf(reason) : reason.substring(0, colon);
  }

  /** Everything that is wrong; empty when the run reconciles. */
  List<String> violations() {
    List<String> problems = new ArrayList<>();
    checkBalances(problems);
    checkBilledOnlyWhatWasRecorded(problems);
    checkDeadLetters(problems);
    checkUnsubscribed(problems);
    checkRefused(problems);
    if (mode == MeteringMode.AGENTCORE) {
      checkOneRequestPerToken(problems);
    } else {
      checkOneQuantityPerHour(problems);
    }
    checkAnswers(problems);
    ledgerMismatches.forEach(m -> problems.add("ledger and journal disagree: " + m));
    return problems;
  }

  private void checkBalances(List<String> problems) {
    for (String key : keys()) {
      long recorded = truth.recorded(key);
      long accounted = acceptedUnits(key) + deadLetteredUnits(key) + pendingUnits(key);
      long upper = recorded + truth.inDoubt(key);
      if (accounted < recorded) {
        problems.add(key + ": LOST " + (recorded - accounted) + " units: recorded " + recorded
            + " but accepted+dead-lettered+pending " + accounted);
      } else if (accounted > upper) {
        problems.add(key + ": DOUBLED " + (accounted - upper) + " units: accepted+dead-lettered+pending "
            + accounted + " but recorded " + recorded + " (+" + truth.inDoubt(key) + " in doubt)");
      }
      if (!keyedByBuyer() && expectDrained && pending.getOrDefault(key, 0L) != 0) {
        problems.add(key + ": " + pending.get(key) + " units still pending after the final drain");
      }
    }
    if (keyedByBuyer()) {
      pending.forEach((dimension, units) -> {
        if (units != 0) {
          problems.add(dimension + ": " + units + " units of some buyers still pending after the final drain");
        }
      });
    }
  }

  /**
   * No record accepted for a key that no call recorded: in SaaS, a buyer billed for usage only other
   * buyers recorded (the balance would show it too, as a doubling here and a loss there; this names it).
   */
  private void checkBilledOnlyWhatWasRecorded(List<String> problems) {
    acceptedUnits().forEach((key, units) -> {
      if (units > 0 && truth.recorded(key) + truth.inDoubt(key) == 0) {
        problems.add(key + ": BILLED " + units + " units that no call recorded"
            + (Keys.buyer(key) == null ? "" : " for this buyer (another buyer's usage?)"));
      }
    });
  }

  /**
   * Buyers declared unsubscribed are never billed, and only they are dead-lettered as not subscribed
   * (their reports' letters say CustomerNotSubscribed, or that the buyer was quarantined for it).
   */
  private void checkUnsubscribed(List<String> problems) {
    if (!keyedByBuyer()) {
      return;
    }
    acceptedUnits().forEach((key, units) -> {
      if (units > 0 && unsubscribed.contains(Keys.buyer(key))) {
        problems.add(key + ": an unsubscribed buyer was BILLED " + units + " units");
      }
    });
    for (DeadLetter d : deadLetters) {
      boolean notSubscribed = d.reason() != null && d.reason().contains(NOT_SUBSCRIBED);
      if (notSubscribed && !unsubscribed.contains(d.buyer())) {
        problems.add("a subscribed buyer's report was dead-lettered as not subscribed: " + d);
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

  /**
   * Hourly: one quantity per (dimension, hour), among our requests and among everything accepted. SaaS:
   * the same per (buyer, dimension, hour), BatchMeterUsage's dedup key (it dedupes per minute; every
   * record is sent with its hour's start), so the endpoint could answer no DuplicateRecord.
   */
  private void checkOneQuantityPerHour(List<String> problems) {
    Map<String, Set<Long>> sentQuantities = new TreeMap<>();
    for (WireRequest r : requests) {
      if (!r.foreign()) {
        sentQuantities.computeIfAbsent(r.key() + "@" + r.epochHour(), k -> new TreeSet<>()).add(r.quantity());
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
      String hour = r.key() + "@" + r.epochHour();
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
        .map(r -> r.key() + "@" + r.epochHour()).collect(Collectors.toSet());
    accepted.stream().filter(AcceptedRecord::foreign).forEach(r -> foreignHours.add(r.key() + "@" + r.epochHour()));
    for (WireRequest r : requests) {
      if (r.foreign()) {
        continue;
      }
      String answer = r.answer() == null ? "" : r.answer();
      if (answer.contains("IdempotencyConflict")) {
        problems.add("the endpoint answered IdempotencyConflict: " + r);
      } else if ((answer.contains("DuplicateRequest") || answer.contains("DuplicateRecord"))
          && !foreignHours.contains(r.key() + "@" + r.epochHour())) {
        problems.add("the endpoint answered " + (answer.contains("DuplicateRecord") ? "DuplicateRecord" : "DuplicateRequest")
            + " for an hour no one else metered: " + r);
      } else if (answer.contains("TimestampOutOfBounds") && !windowErrorsAllowed) {
        problems.add("a request outside the six-hour window was sent: " + r);
      }
    }
  }

  /**
   * The reconciliation as a table, for the test's output: a row per key; above {@link #FULL_TABLE_ROWS}
   * keys (a SaaS run has one per buyer and dimension), rows of totals per dimension over every buyer, per
   * group of buyers (subscribed, unsubscribed), and the {@link #WORST_ROWS} worst keys: out of bounds
   * first, then the farthest from their recorded units, then the most dead-lettered.
   */
  String table() {
    StringBuilder out = new StringBuilder();
    out.append("\n=== reconciliation: ").append(scenario).append(" (").append(mode).append(") ===\n");
    Set<String> keys = keys();
    Map<String, long[]> rows = new java.util.LinkedHashMap<>();
    Map<String, Map<String, Long>> reasons = new HashMap<>();
    long[] totals = new long[7];
    boolean summarised = keys.size() > FULL_TABLE_ROWS;
    Map<String, long[]> byDimension = new TreeMap<>();
    Map<String, long[]> byGroup = new TreeMap<>();
    Map<String, Map<String, Long>> kindsByLabel = new HashMap<>();
    for (String key : keys) {
      long[] row = row(key);
      add(totals, row);
      if (!summarised) {
        rows.put(key, row);
        reasons.put(key, deadLetteredByReason(key));
        continue;
      }
      String dimension = "(every buyer) " + Keys.dimension(key);
      add(byDimension.computeIfAbsent(dimension, k -> new long[7]), row);
      String group = unsubscribed.contains(Keys.buyer(key)) ? "(unsubscribed buyers)" : "(subscribed buyers)";
      add(byGroup.computeIfAbsent(group, k -> new long[7]), row);
      for (String label : List.of(dimension, group)) {
        deadLetteredByReason(key).forEach((why, units) -> kindsByLabel.computeIfAbsent(label, k -> new TreeMap<>())
            .merge(reasonKind(why), units, Long::sum));
      }
    }
    List<String> worst = List.of();
    if (summarised) {
      rows.putAll(byDimension);
      if (!unsubscribed.isEmpty()) {
        rows.putAll(byGroup);
      }
      kindsByLabel.forEach(reasons::put);
      worst = keys.stream().sorted(java.util.Comparator.comparingLong((String k) -> -badness(k)[0])
          .thenComparingLong(k -> -badness(k)[1]).thenComparingLong(k -> -deadLetteredUnits(k))
          .thenComparingLong(k -> -truth.recorded(k))).limit(WORST_ROWS).toList();
    }
    int width = 12;
    for (String label : rows.keySet()) {
      width = Math.max(width, label.length());
    }
    for (String key : worst) {
      width = Math.max(width, key.length());
    }
    String format = "%-" + width + "s %12s %9s %12s %12s %8s %9s %10s  %s%n";
    out.append(String.format(format, keyedByBuyer() ? "key" : "dimension", "recorded", "in-doubt", "accepted",
        "dead-letter", "pending", "refused", "unk.billed", "dead letters by reason (units)"));
    rows.forEach((label, row) -> out.append(String.format(format, label, row[0], row[1], row[2], row[3], row[4],
        row[5], row[6], reasons.getOrDefault(label, Map.of()))));
    if (!worst.isEmpty()) {
      out.append("the ").append(worst.size()).append(" worst of ").append(keys.size())
          .append(" keys (out of bounds first, then farthest from recorded, then most dead-lettered):\n");
      for (String key : worst) {
        long[] row = row(key);
        Map<String, Long> kinds = new TreeMap<>();
        deadLetteredByReason(key).forEach((why, units) -> kinds.merge(reasonKind(why), units, Long::sum));
        out.append(String.format(format, key, row[0], row[1], row[2], row[3], row[4], row[5], row[6], kinds));
      }
    }
    out.append(String.format(format, "TOTAL", totals[0], totals[1], totals[2], totals[3], totals[4], totals[5],
        totals[6], ""));
    if (keyedByBuyer()) {
      long pendingUnits = pending.values().stream().mapToLong(Long::longValue).sum();
      out.append("(pending is known per dimension only, summed over buyers: ").append(pendingUnits).append(")\n");
    }
    out.append("(accepted: units in records the endpoint accepted from us; unk.billed: of those, units that a dead "
        + "letter with an unknown outcome also holds, so billed once; in-doubt: calls cut by SIGKILL between "
        + "record() and its log line)\n");
    long ours = requests.stream().filter(r -> !r.foreign()).count();
    Map<String, Long> answers = requests.stream().filter(r -> !r.foreign())
        .collect(Collectors.groupingBy(r -> String.valueOf(r.answer()), TreeMap::new, Collectors.counting()));
    out.append(keyedByBuyer() ? "records sent: " : "requests sent: ").append(ours).append(" ").append(answers)
        .append("; accepted records: ")
        .append(accepted.stream().filter(r -> !r.foreign()).count()).append(" (+")
        .append(accepted.stream().filter(AcceptedRecord::foreign).count()).append(" foreign)")
        .append("; refused counted by the meter: ").append(refusedCounted == null ? "n/a" : refusedCounted)
        .append("\n");
    List<String> problems = violations();
    out.append(problems.isEmpty() ? "RECONCILED: nothing lost, nothing doubled\n"
        : "VIOLATIONS:\n  " + String.join("\n  ", problems) + "\n");
    return out.toString();
  }

  /** A key's columns: recorded, in-doubt, accepted, dead-lettered, pending, refused, unknown-but-billed. */
  private long[] row(String key) {
    return new long[] {truth.recorded(key), truth.inDoubt(key), acceptedUnits(key), deadLetteredUnits(key),
        pendingUnits(key), truth.refused(key), unknownButBilledUnits(key)};
  }

  /** How far a key is out of its bounds, and how far its accounted units are from its recorded ones. */
  private long[] badness(String key) {
    long recorded = truth.recorded(key);
    long accounted = acceptedUnits(key) + deadLetteredUnits(key) + pendingUnits(key);
    long outOfBounds = accounted < recorded ? recorded - accounted
        : Math.max(0, accounted - recorded - truth.inDoubt(key));
    return new long[] {outOfBounds, Math.abs(accounted - recorded)};
  }

  private static void add(long[] into, long[] row) {
    for (int i = 0; i < row.length; i++) {
      into[i] += row[i];
    }
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
    private final Set<String> unsubscribed = new HashSet<>();

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

    /**
     * SaaS: the canonical keys of the buyers the endpoint does not bill. None of them may be billed, and
     * only their reports may be dead-lettered as {@value Reconciliation#NOT_SUBSCRIBED} (allow that reason
     * with {@link #allowDeadLetters}).
     */
    Builder unsubscribed(java.util.Collection<String> buyerKeys) {
      unsubscribed.addAll(buyerKeys);
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
