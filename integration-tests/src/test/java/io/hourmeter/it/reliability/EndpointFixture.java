package io.hourmeter.it.reliability;

import io.hourmeter.Buyer;
import io.hourmeter.local.LocalMeteringEndpoint;
import java.net.URI;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local Metering endpoint on 127.0.0.1, run in the test JVM so that it outlives killed children,
 * and what it saw, in the reconciliation's terms ({@link Keys}: SaaS records count under the buyer they
 * name on the wire). Thread-safe as the endpoint is.
 */
final class EndpointFixture implements AutoCloseable {
  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[-0-9.eE+]+|true|false)");
  private static final String USAGE_RECORDS = "\"UsageRecords\"";
  /** How many request bodies the endpoint keeps ({@link LocalMeteringEndpoint#requestBodies()}). */
  static final int KEPT_BODIES = 10_000;

  private final LocalMeteringEndpoint endpoint;
  private final Set<String> foreignRecordIds = new HashSet<>();

  EndpointFixture(InstantSource clock, String... dimensions) {
    this(clock, List.of(), dimensions);
  }

  /**
   * An endpoint whose product has {@code dimensions} and to which the SaaS buyers {@code subscribers}
   * are subscribed (BatchMeterUsage answers CustomerNotSubscribed for every other buyer).
   */
  EndpointFixture(InstantSource clock, Collection<Buyer> subscribers, String... dimensions) {
    LocalMeteringEndpoint.Builder builder = LocalMeteringEndpoint.builder().product(ScaledMeter.PRODUCT, dimensions)
        .clock(clock).region(ScaledMeter.REGION);
    subscribers.forEach(b -> builder.subscriber(ScaledMeter.PRODUCT, Keys.customer(b)));
    this.endpoint = builder.build().start();
  }

  URI uri() {
    return endpoint.uri();
  }

  LocalMeteringEndpoint endpoint() {
    return endpoint;
  }

  /** Meters an hour as another process on the instance would have, before our drainer does. */
  synchronized void preRecord(String dimension, Instant timestamp, long quantity) {
    foreignRecordIds.add(endpoint.preRecord(ScaledMeter.PRODUCT, dimension, timestamp, quantity).recordId());
  }

  /** Every record the endpoint accepted; pre-recorded ones are marked foreign. */
  synchronized List<AcceptedRecord> accepted() {
    List<AcceptedRecord> out = new ArrayList<>();
    for (io.hourmeter.local.AcceptedRecord r : endpoint.accepted()) {
      String key = Keys.of(r.customer() == null ? null : Keys.buyerKey(r.customer()), r.dimension());
      out.add(new AcceptedRecord(r.recordId(), key, r.timestamp(), r.quantity(), r.clientToken(),
          foreignRecordIds.contains(r.recordId())));
    }
    return out;
  }

  /**
   * Every MeterUsage request body the endpoint received (its request log, the last 10,000), parsed;
   * a BatchMeterUsage body gives one entry per UsageRecord. The endpoint keeps bodies, not answers, so
   * {@link WireRequest#answer()} is {@code null}; answers are checked through {@link #rejected()}, the
   * dead letters and the wire rules (a record that the endpoint could answer DuplicateRecord needs
   * another quantity sent for its buyer, dimension and hour).
   */
  List<WireRequest> requests() {
    List<WireRequest> out = new ArrayList<>();
    for (String body : endpoint.requestBodies()) {
      if (body.contains(USAGE_RECORDS)) {
        for (String record : usageRecords(body)) {
          out.add(parse(record));
        }
      } else {
        out.add(parse(body));
      }
    }
    return out;
  }

  /**
   * Whether the request log holds every request body received: it keeps the last
   * {@value #KEPT_BODIES}, so it has dropped none while it holds fewer. (Not the request counter: it
   * also counts requests whose body never arrived, from a child killed mid-send.)
   */
  boolean requestLogComplete() {
    return endpoint.requestBodies().size() < KEPT_BODIES;
  }

  /** Requests answered with an error other than an injected fault (dedup, window, validation, auth). */
  long rejected() {
    return endpoint.counters().rejected();
  }

  /** Parses a MeterUsage body, or one UsageRecord object of a BatchMeterUsage body. */
  static WireRequest parse(String body) {
    String dimension = null;
    String token = null;
    Instant timestamp = null;
    long quantity = 0;
    String identifier = null;
    String account = null;
    String license = null;
    Matcher m = FIELD.matcher(body);
    while (m.find()) {
      String value = m.group(3) != null ? m.group(3) : m.group(2);
      switch (m.group(1)) {
        case "UsageDimension", "Dimension" -> dimension = value;
        case "ClientToken" -> token = value;
        case "UsageQuantity", "Quantity" -> quantity = Long.parseLong(value);
        case "Timestamp" -> timestamp = Instant.ofEpochMilli(Math.round(Double.parseDouble(value) * 1000));
        case "CustomerIdentifier" -> identifier = value;
        case "CustomerAWSAccountId" -> account = value;
        case "LicenseArn" -> license = value;
        default -> { }
      }
    }
    if (dimension == null || timestamp == null) {
      throw new IllegalStateException("not a MeterUsage body or UsageRecord: " + body);
    }
    String buyer = identifier != null ? Buyer.ofCustomerIdentifier(identifier).key()
        : account == null ? null
        : license != null ? Buyer.of(account, license).key() : Buyer.ofAccount(account).key();
    return new WireRequest(Keys.of(buyer, dimension), timestamp, quantity, token, null, false);
  }

  /**
   * The objects of a BatchMeterUsage body's UsageRecords array, as text: the array is walked by brace
   * depth, minding strings, so a record's nested UsageAllocations stay inside it.
   */
  static List<String> usageRecords(String body) {
    List<String> out = new ArrayList<>();
    int i = body.indexOf('[', body.indexOf(USAGE_RECORDS));
    int depth = 0;
    int start = -1;
    boolean inString = false;
    for (i = i + 1; i < body.length(); i++) {
      char c = body.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' && depth++ == 0) {
        start = i;
      } else if (c == '}' && --depth == 0) {
        out.add(body.substring(start, i + 1));
      } else if (c == ']' && depth == 0) {
        break;
      }
    }
    return out;
  }

  @Override
  public void close() {
    endpoint.close();
  }
}
