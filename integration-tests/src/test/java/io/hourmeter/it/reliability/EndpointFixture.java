package io.hourmeter.it.reliability;

import io.hourmeter.local.LocalMeteringEndpoint;
import java.net.URI;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local Metering endpoint on 127.0.0.1, run in the test JVM so that it outlives killed children,
 * and what it saw, in the reconciliation's terms. Thread-safe as the endpoint is.
 */
final class EndpointFixture implements AutoCloseable {
  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[-0-9.eE+]+|true|false)");

  private final LocalMeteringEndpoint endpoint;
  private final Set<String> foreignRecordIds = new HashSet<>();

  EndpointFixture(InstantSource clock, String... dimensions) {
    this.endpoint = LocalMeteringEndpoint.builder().product(ScaledMeter.PRODUCT, dimensions).clock(clock)
        .region(ScaledMeter.REGION).build().start();
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
      out.add(new AcceptedRecord(r.recordId(), r.dimension(), r.timestamp(), r.quantity(), r.clientToken(),
          foreignRecordIds.contains(r.recordId())));
    }
    return out;
  }

  /**
   * Every MeterUsage request body the endpoint received (its request log), parsed. The endpoint keeps
   * bodies, not answers, so {@link WireRequest#answer()} is {@code null}; answers are checked through
   * {@link #rejected()} and the dead letters.
   */
  List<WireRequest> requests() {
    List<WireRequest> out = new ArrayList<>();
    for (String body : endpoint.requestBodies()) {
      out.add(parse(body));
    }
    return out;
  }

  /** Requests answered with an error other than an injected fault (dedup, window, validation, auth). */
  long rejected() {
    return endpoint.counters().rejected();
  }

  static WireRequest parse(String body) {
    String dimension = null;
    String token = null;
    Instant timestamp = null;
    long quantity = 0;
    Matcher m = FIELD.matcher(body);
    while (m.find()) {
      String value = m.group(3) != null ? m.group(3) : m.group(2);
      switch (m.group(1)) {
        case "UsageDimension" -> dimension = value;
        case "ClientToken" -> token = value;
        case "UsageQuantity" -> quantity = Long.parseLong(value);
        case "Timestamp" -> timestamp = Instant.ofEpochMilli(Math.round(Double.parseDouble(value) * 1000));
        default -> { }
      }
    }
    if (dimension == null || timestamp == null) {
      throw new IllegalStateException("not a MeterUsage body: " + body);
    }
    return new WireRequest(dimension, timestamp, quantity, token, null, false);
  }

  @Override
  public void close() {
    endpoint.close();
  }
}
