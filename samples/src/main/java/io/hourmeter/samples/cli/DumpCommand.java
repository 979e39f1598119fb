package io.hourmeter.samples.cli;

import io.hourmeter.Buyer;
import io.hourmeter.internal.inspect.JournalBuyers;
import io.hourmeter.samples.support.Json;
import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.UsageJournal;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code hourmeter dump}: prints journal records in position order. A record carries its hour, not an
 * exact time, so time filters select whole hours. A journal that has registered SaaS buyers gets a
 * customer column (the buyer's key, and in JSON its BatchMeterUsage fields), and {@code --customer}
 * keeps one buyer's records.
 */
@Command(name = "dump", description = "Print journal records (position, hour, [customer,] dimension, quantity, "
    + "tag set id, tags).")
final class DumpCommand implements Callable<Integer> {
  private static final int BATCH = 4096;

  @Mixin
  private JournalOptions options;

  @Mixin
  private CustomerFilter customers;

  @Option(names = "--hour", paramLabel = "HOUR",
      description = "Only this hour, e.g. 2026-11-23T01 or 2026-11-23T01:00:00Z (UTC).")
  private String hour;

  @Option(names = "--from", paramLabel = "TIME",
      description = "Only hours that end after this instant (ISO-8601 UTC, e.g. 2026-11-23T01:30:00Z).")
  private String from;

  @Option(names = "--to", paramLabel = "TIME",
      description = "Only hours that start before this instant (ISO-8601 UTC).")
  private String to;

  @Option(names = "--dimension", paramLabel = "NAME", description = "Only this dimension.")
  private String dimension;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "10000",
      description = "Print at most N records (default ${DEFAULT-VALUE}); 0 for all.")
  private long limit;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    HourRange range = range();
    try (UsageJournal journal = JournalAccess.openJournal(options)) {
      boolean saas = !journal.customers(1).isEmpty();
      customers.requireSaas(saas, null);
      List<Map<String, Object>> records = new ArrayList<>();
      NavigableSet<Long> hours = journal.hours();
      if (!hours.isEmpty() && hours.last() >= range.first()) {
        read(journal, saas, Math.max(range.first(), hours.first()), range, records);
      }
      print(records, saas);
      return 0;
    }
  }

  private void read(UsageJournal journal, boolean saas, long firstHour, HourRange range,
      List<Map<String, Object>> records) {
    Map<Integer, String> names = journal.dimensions();
    Map<Integer, String> tagSets = new java.util.HashMap<>(journal.tagSets(1));
    JournalBuyers buyers = new JournalBuyers(journal);
    try (JournalReader reader = journal.reader(journal.firstPositionOfHour(firstHour))) {
      long[] printed = {0};
      boolean[] done = {false};
      while (!done[0]) {
        int read = reader.read((position, epochHour, dimensionId, customerId, quantity, tagSetId) -> {
          if (done[0]) {
            return;
          }
          if (epochHour > range.last()) {
            done[0] = true;
            return;
          }
          String name = names.getOrDefault(dimensionId, "#" + dimensionId);
          if (epochHour < range.first() || (dimension != null && !dimension.equals(name))) {
            return;
          }
          Buyer buyer = customerId == 0 ? null : buyers.buyer(customerId);
          if (!customers.accepts(buyer)) {
            return;
          }
          Map<String, Object> record = new LinkedHashMap<>();
          record.put("position", position);
          record.put("hour", Hours.format(epochHour));
          if (saas) {
            BuyerColumns.put(record, buyer);
          }
          record.put("dimension", name);
          record.put("quantity", quantity);
          record.put("tagSet", tagSetId);
          record.put("tags", tags(journal, tagSets, tagSetId));
          records.add(record);
          printed[0]++;
          if (limit > 0 && printed[0] >= limit) {
            done[0] = true;
          }
        }, BATCH);
        if (read == 0) {
          break;
        }
      }
    }
  }

  private void print(List<Map<String, Object>> records, boolean saas) {
    PrintWriter out = spec.commandLine().getOut();
    if (options.json) {
      out.println(Json.write(records));
      return;
    }
    RowTable table = new RowTable(saas).column("position", "position").column("hour (UTC)", "hour")
        .column("dimension", "dimension").column("quantity", "quantity").column("tag set", "tagSet").column("tags", "tags").addAll(records);
    out.print(table);
    out.println(records.size() + " record(s)" + (limit > 0 && records.size() >= limit
        ? " (limit reached; use --limit 0 for all)" : ""));
  }

  /** A tag-set id's tags as {@code key=value,...} ({@code ""} untagged), rereading the registry for a new id. */
  private static String tags(UsageJournal journal, Map<Integer, String> tagSets, int tagSetId) {
    if (tagSetId == 0) {
      return "";
    }
    String encoded = tagSets.get(tagSetId);
    if (encoded == null) {
      tagSets.putAll(journal.tagSets(tagSetId));
      encoded = tagSets.get(tagSetId);
    }
    return encoded == null ? "#" + tagSetId : io.hourmeter.Tags.decode(encoded).toString();
  }

  private HourRange range() {
    if (hour != null && (from != null || to != null)) {
      throw new CliFailure("--hour cannot be combined with --from or --to");
    }
    if (hour != null) {
      long h = Hours.parseHour(hour);
      return new HourRange(h, h);
    }
    long first = from == null ? Long.MIN_VALUE / 2 : Hours.epochHour(parseInstant("--from", from));
    long last = to == null ? Long.MAX_VALUE / 2
        : Math.floorDiv(parseInstant("--to", to).toEpochMilli() - 1, Hours.MILLIS_PER_HOUR);
    if (last < first) {
      throw new CliFailure("--to must be after --from");
    }
    return new HourRange(first, last);
  }

  private static Instant parseInstant(String option, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new CliFailure(option + " must be an ISO-8601 UTC instant such as 2026-11-23T01:30:00Z, not '"
          + text + "'");
    }
  }

  private record HourRange(long first, long last) { }
}
