package io.hourmeter.samples.demo;

import io.hourmeter.Buyer;
import io.hourmeter.spi.UsageKey;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the demo tells its metering process, as {@code --key=value} arguments. Built by the demo with
 * {@link #toArgs()} and read back by {@link DemoWorker} with {@link #parse}.
 *
 * @param journal          the journal directory
 * @param countersFile     the application counters file ({@link AppCounters})
 * @param productCode      the product code
 * @param dimensions       the product's dimensions
 * @param threads          application threads
 * @param aws              whether to send to real AWS (system clock) instead of the local endpoint
 * @param endpoint         the local endpoint (local mode), an endpoint override (AWS mode), or {@code null}
 * @param region           the AWS region (AWS mode; {@code null} for the default chain)
 * @param simulatedOrigin  the accelerated clock's simulated origin (local mode)
 * @param realOrigin       the accelerated clock's real origin (local mode); {@code null} until the demo
 *                         fixes it: the first metering process then reads it from its standard input
 * @param factor           the accelerated clock's speed (local mode)
 * @param recordUntil      when application threads stop recording, on the meter's clock
 * @param drainTimeout     how long, in real time, to wait for every hour to be reported after that
 * @param recordsPerSecond at most this many records per second over all threads; 0 for no limit
 * @param buyersFile       SaaS mode: the buyers, one {@link Buyer#key()} a line ({@link DemoBuyers#write});
 *                         {@code null} for a meter without buyers (hourly mode)
 * @param kafka            the fleet demo ({@code --fleet}): the Kafka bootstrap servers this host ships
 *                         its partials to ({@link FleetDemo#fleet}); {@code null} to send directly
 */
record WorkerArgs(Path journal, Path countersFile, String productCode, List<String> dimensions, int threads,
    boolean aws, URI endpoint, String region, Instant simulatedOrigin, Instant realOrigin, double factor,
    Instant recordUntil, Duration drainTimeout, double recordsPerSecond, Path buyersFile, String kafka) {

  WorkerArgs {
    dimensions = List.copyOf(dimensions);
  }

  /** These arguments with the real origin fixed, for processes started after the clock started. */
  WorkerArgs withRealOrigin(Instant origin) {
    return new WorkerArgs(journal, countersFile, productCode, dimensions, threads, aws, endpoint, region,
        simulatedOrigin, origin, factor, recordUntil, drainTimeout, recordsPerSecond, buyersFile, kafka);
  }

  /** These arguments for host {@code host} of a fleet: its own journal and counters under {@code dir}. */
  WorkerArgs forHost(Path dir, int threads, String bootstrapServers) {
    return new WorkerArgs(dir.resolve("journal"), dir.resolve("app-counters.bin"), productCode, dimensions, threads,
        aws, endpoint, region, simulatedOrigin, realOrigin, factor, recordUntil, drainTimeout, recordsPerSecond,
        buyersFile, bootstrapServers);
  }

  /** Whether the metering process meters SaaS buyers (BatchMeterUsage). */
  boolean saas() {
    return buyersFile != null;
  }

  /**
   * The usage keys the application records under, in the order of the {@link AppCounters} slots: the
   * dimensions, or in SaaS mode every buyer's dimensions (buyer by buyer).
   */
  List<UsageKey> keys() throws IOException {
    List<UsageKey> keys = new ArrayList<>();
    List<Buyer> buyers = saas() ? DemoBuyers.read(buyersFile) : Collections.singletonList(null);
    for (Buyer buyer : buyers) {
      for (String dimension : dimensions) {
        keys.add(new UsageKey(buyer, dimension));
      }
    }
    return keys;
  }

  List<String> toArgs() {
    List<String> out = new ArrayList<>();
    out.add("--journal=" + journal);
    out.add("--counters=" + countersFile);
    out.add("--product-code=" + productCode);
    out.add("--dimensions=" + String.join(",", dimensions));
    out.add("--threads=" + threads);
    out.add("--aws=" + aws);
    if (endpoint != null) {
      out.add("--endpoint=" + endpoint);
    }
    if (region != null) {
      out.add("--region=" + region);
    }
    out.add("--simulated-origin=" + simulatedOrigin);
    if (realOrigin != null) {
      out.add("--real-origin=" + realOrigin);
    }
    out.add("--factor=" + factor);
    out.add("--record-until=" + recordUntil);
    out.add("--drain-timeout=" + drainTimeout);
    out.add("--records-per-second=" + recordsPerSecond);
    if (buyersFile != null) {
      out.add("--buyers=" + buyersFile);
    }
    if (kafka != null) {
      out.add("--kafka=" + kafka);
    }
    return out;
  }

  static WorkerArgs parse(String[] argv) {
    Map<String, String> values = new HashMap<>();
    for (String arg : argv) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("expected --key=value but got '" + arg + "'");
      }
      values.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    return new WorkerArgs(
        Path.of(required(values, "journal")),
        Path.of(required(values, "counters")),
        required(values, "product-code"),
        Arrays.asList(required(values, "dimensions").split(",")),
        Integer.parseInt(required(values, "threads")),
        Boolean.parseBoolean(required(values, "aws")),
        values.containsKey("endpoint") ? URI.create(values.get("endpoint")) : null,
        values.get("region"),
        Instant.parse(required(values, "simulated-origin")),
        values.containsKey("real-origin") ? Instant.parse(values.get("real-origin")) : null,
        Double.parseDouble(required(values, "factor")),
        Instant.parse(required(values, "record-until")),
        Duration.parse(required(values, "drain-timeout")),
        Double.parseDouble(required(values, "records-per-second")),
        values.containsKey("buyers") ? Path.of(values.get("buyers")) : null,
        values.get("kafka"));
  }

  private static String required(Map<String, String> values, String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("missing --" + key);
    }
    return value;
  }
}
