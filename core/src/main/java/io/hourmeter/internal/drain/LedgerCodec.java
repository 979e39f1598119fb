package io.hourmeter.internal.drain;

import io.hourmeter.Buyer;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageAllocation;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the drainer's state is written into the {@link io.hourmeter.spi.ReportLedger}'s key-to-text
 * map. Every value is a line of {@code name=value} fields separated by spaces, each value
 * URL-encoded, so any character survives and a reader (the CLI) can decode a value on its own.
 *
 * <p>Keys: {@code report/<id>}, {@code hour/<epochHour>} (journal units accounted per usage key),
 * {@code carry/<usage key>}, {@code quarantine/<dimension>}, {@code quarantine-buyer/<buyer key>},
 * {@code open/<epochHour>/<usage key>} (the checkpoint of sums: an open hour's units read so far, one
 * entry per key, so a checkpoint writes only the keys that changed), and {@code meta/*} for the
 * checkpoint, the last frozen hour, the next report id and the counters. Stateless and thread-safe.
 */
public final class LedgerCodec {
  public static final String REPORT_PREFIX = "report/";
  public static final String HOUR_PREFIX = "hour/";
  public static final String CARRY_PREFIX = "carry/";
  public static final String QUARANTINE_PREFIX = "quarantine/";
  public static final String QUARANTINE_BUYER_PREFIX = "quarantine-buyer/";
  public static final String OPEN_PREFIX = "open/";
  private static final int HOUR_DIGITS = 12;
  public static final String CHECKPOINT = "meta/checkpoint";
  public static final String FROZEN_THROUGH = "meta/frozenThrough";
  public static final String NEXT_ID = "meta/nextId";
  public static final String COUNTERS = "meta/counters";
  public static final String MODE = "meta/mode";

  private LedgerCodec() { }

  public static String reportKey(long id) {
    return REPORT_PREFIX + String.format("%019d", id);
  }

  public static String hourKey(long epochHour) {
    return HOUR_PREFIX + String.format("%012d", epochHour);
  }

  /** The checkpointed sum of an open hour's key: {@code open/<epochHour>/<usage key>}. */
  public static String openKey(long epochHour, UsageKey key) {
    return OPEN_PREFIX + String.format("%0" + HOUR_DIGITS + "d", epochHour) + "/" + enc(key.encoded());
  }

  /** The hour of an {@link #openKey}. */
  public static long openHour(String key) {
    return Long.parseLong(key.substring(OPEN_PREFIX.length(), OPEN_PREFIX.length() + HOUR_DIGITS));
  }

  /** The usage key of an {@link #openKey}. */
  public static UsageKey openUsageKey(String key) {
    return UsageKey.decode(dec(key.substring(OPEN_PREFIX.length() + HOUR_DIGITS + 1)));
  }

  /** The carry entry of a key: {@code carry/} and {@link UsageKey#encoded()}, so a dimension's as before. */
  public static String carryKey(UsageKey key) {
    return CARRY_PREFIX + enc(key.encoded());
  }

  public static String quarantineKey(Buyer buyer) {
    return QUARANTINE_BUYER_PREFIX + enc(buyer.key());
  }

  public static String quarantineKey(String dimension) {
    return QUARANTINE_PREFIX + enc(dimension);
  }

  /** The dimension or hour that follows a key's prefix. */
  public static String keySuffix(String key, String prefix) {
    return dec(key.substring(prefix.length()));
  }

  /**
   * One report as a line of fields; {@link #decodeReport} reverses it exactly. Fields added later are
   * optional ({@code carried}: absent means 0), so ledgers written before them stay readable.
   */
  public static String encodeReport(UsageReport r) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("v", "1");
    f.put("id", Long.toString(r.id()));
    f.put("product", r.productCode());
    f.put("dim", r.dimension());
    f.put("hour", Long.toString(r.epochHour()));
    f.put("ts", r.timestamp().toString());
    f.put("q", Long.toString(r.quantity()));
    if (!r.allocations().isEmpty()) {
      f.put("alloc", encodeAllocations(r.allocations()));
    }
    if (r.clientToken() != null) {
      f.put("token", r.clientToken());
    }
    f.put("range", r.rangeStart() + ":" + r.rangeEnd());
    f.put("state", r.state().name());
    f.put("attempts", Integer.toString(r.attempts()));
    f.put("unknown", Boolean.toString(r.outcomeUnknown()));
    if (r.meteringRecordId() != null) {
      f.put("rec", r.meteringRecordId());
    }
    if (r.reason() != null) {
      f.put("reason", r.reason());
    }
    f.put("at", r.updatedAt().toString());
    if (r.carriedUnits() != 0) {
      f.put("carried", Long.toString(r.carriedUnits()));
    }
    if (r.buyer() != null) {
      f.put("buyer", r.buyer().key());
    }
    return join(f);
  }

  public static UsageReport decodeReport(String text) {
    Map<String, String> f = split(text);
    String[] range = f.get("range").split(":");
    return new UsageReport(
        Long.parseLong(f.get("id")),
        f.get("product"),
        f.get("dim"),
        Long.parseLong(f.get("hour")),
        Instant.parse(f.get("ts")),
        Long.parseLong(f.get("q")),
        f.containsKey("alloc") ? decodeAllocations(f.get("alloc")) : List.of(),
        f.get("token"),
        Long.parseLong(range[0]),
        Long.parseLong(range[1]),
        ReportState.valueOf(f.get("state")),
        Integer.parseInt(f.get("attempts")),
        Boolean.parseBoolean(f.get("unknown")),
        f.get("rec"),
        f.get("reason"),
        Instant.parse(f.get("at")),
        f.containsKey("carried") ? Long.parseLong(f.get("carried")) : 0,
        f.containsKey("buyer") ? Buyer.fromKey(f.get("buyer")) : null);
  }

  /** Units per key, as in {@code hour/*} entries; a key without a buyer is written as its dimension. */
  public static String encodeUnits(Map<UsageKey, BigInteger> units) {
    Map<String, String> f = new LinkedHashMap<>();
    new TreeMap<>(units).forEach((key, n) -> f.put(key.encoded(), n.toString()));
    return join(f);
  }

  public static Map<UsageKey, BigInteger> decodeUnits(String text) {
    Map<UsageKey, BigInteger> units = new HashMap<>();
    split(text).forEach((key, n) -> units.put(UsageKey.decode(key), new BigInteger(n)));
    return units;
  }

  public static String encodeCounters(Counters c) {
    return "acceptedReports=" + c.acceptedReports() + " acceptedUnits=" + c.acceptedUnits()
        + " carriedUnits=" + c.carriedUnits() + " deadLetteredReports=" + c.deadLetteredReports()
        + " deadLetteredUnits=" + c.deadLetteredUnits();
  }

  public static Counters decodeCounters(String text) {
    Map<String, String> f = split(text);
    return new Counters(Long.parseLong(f.get("acceptedReports")), Long.parseLong(f.get("acceptedUnits")),
        Long.parseLong(f.get("carriedUnits")), Long.parseLong(f.get("deadLetteredReports")),
        Long.parseLong(f.get("deadLetteredUnits")));
  }

  private static String encodeAllocations(List<UsageAllocation> allocations) {
    List<String> parts = new ArrayList<>();
    for (UsageAllocation a : allocations) {
      Map<String, String> f = new LinkedHashMap<>();
      f.put("q", Long.toString(a.quantity()));
      new TreeMap<>(a.tags()).forEach((k, v) -> f.put("t." + k, v));
      parts.add(enc(join(f)));
    }
    return String.join(",", parts);
  }

  private static List<UsageAllocation> decodeAllocations(String text) {
    List<UsageAllocation> allocations = new ArrayList<>();
    for (String part : text.split(",")) {
      Map<String, String> f = split(dec(part));
      Map<String, String> tags = new LinkedHashMap<>();
      f.forEach((k, v) -> {
        if (k.startsWith("t.")) {
          tags.put(k.substring(2), v);
        }
      });
      allocations.add(new UsageAllocation(Long.parseLong(f.get("q")), tags));
    }
    return allocations;
  }

  private static String join(Map<String, String> fields) {
    StringBuilder out = new StringBuilder();
    fields.forEach((k, v) -> {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(enc(k)).append('=').append(enc(v));
    });
    return out.toString();
  }

  private static Map<String, String> split(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (text.isEmpty()) {
      return fields;
    }
    for (String field : text.split(" ")) {
      int eq = field.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("ledger field without '=': " + field);
      }
      fields.put(dec(field.substring(0, eq)), dec(field.substring(eq + 1)));
    }
    return fields;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String dec(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
