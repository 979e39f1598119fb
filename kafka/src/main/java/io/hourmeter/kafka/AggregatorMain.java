package io.hourmeter.kafka;

import io.hourmeter.aws.AwsUsageSubmitter;
import io.hourmeter.aws.AwsUsageSubmitterBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.regions.Region;

/**
 * {@code hourmeter-aggregator}: runs the fleet's aggregator, its sender, or both, in a process of their
 * own, configured by a properties file and {@code key=value} arguments (arguments win):
 *
 * <pre>
 * java -cp ... io.hourmeter.kafka.AggregatorMain --config fleet.properties [key=value ...]
 * </pre>
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><td>{@code productCode}, {@code bootstrapServers}</td><td>required</td></tr>
 *   <tr><td>{@code roles}</td><td>{@code aggregator,sender} (default both)</td></tr>
 *   <tr><td>{@code stateDirectory}</td><td>the aggregator's RocksDB stores (required for the aggregator)</td></tr>
 *   <tr><td>{@code ledgerDirectory}</td><td>the sender's ledger (required for the sender)</td></tr>
 *   <tr><td>{@code partitions}, {@code replicationFactor}, {@code minInsyncReplicas}, {@code createTopics},
 *       {@code transactionTimeout}</td><td>the topics (see {@link KafkaFleetBuilder})</td></tr>
 *   <tr><td>{@code partialsTopic}, {@code finalsTopic}, {@code outcomesTopic}</td><td>topic overrides</td></tr>
 *   <tr><td>{@code grace}, {@code punctuateEvery}, {@code dedupeRetention}</td><td>ISO-8601 durations (PT10M)</td></tr>
 *   <tr><td>{@code region}, {@code endpoint}</td><td>the BatchMeterUsage client (default chains)</td></tr>
 *   <tr><td>{@code kafka.<name>}</td><td>a client setting passed through (TLS, SASL: {@code kafka.security.protocol})</td></tr>
 *   <tr><td>{@code streams.<name>}</td><td>a Kafka Streams setting</td></tr>
 *   <tr><td>{@code clock.simulatedStart}, {@code clock.baseStart}, {@code clock.speedUp}</td><td>an accelerated
 *       clock, for demos and tests only</td></tr>
 * </table>
 *
 * <p>It prints a status line every {@code statusEvery} (default PT10S) and stops cleanly on SIGTERM.
 */
public final class AggregatorMain {

  private AggregatorMain() { }

  /** Runs until the JVM is asked to stop; exits 2 on a configuration error. */
  public static void main(String[] args) throws Exception {
    Properties config;
    try {
      config = parse(args);
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("hourmeter-aggregator: " + e.getMessage());
      System.exit(2);
      return;
    }
    Running running;
    try {
      running = start(config, clock(config));
    } catch (RuntimeException e) {
      System.err.println("hourmeter-aggregator: " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close();
      stopped.countDown();
    }));
    Duration every = Duration.parse(config.getProperty("statusEvery", "PT10S"));
    PrintStream out = System.out;
    while (!stopped.await(every.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      out.println(running.describe());
    }
  }

  /** What a started process runs: the aggregator, the sender, or both. Close to stop. */
  public record Running(FleetAggregator aggregator, FleetSender sender) implements AutoCloseable {
    /** One status line. */
    public String describe() {
      StringBuilder b = new StringBuilder("hourmeter-aggregator");
      if (aggregator != null) {
        b.append(' ').append(aggregator.status());
      }
      if (sender != null) {
        b.append(' ').append(sender.status());
      }
      return b.toString();
    }

    @Override
    public void close() {
      if (sender != null) {
        sender.close();
      }
      if (aggregator != null) {
        aggregator.close();
      }
    }
  }

  /** Starts what {@code config} asks for on {@code clock}; for the main and for child JVMs of tests. */
  public static Running start(Properties config, InstantSource clock) {
    KafkaFleet fleet = fleet(config);
    String roles = config.getProperty("roles", "aggregator,sender");
    FleetAggregator aggregator = null;
    FleetSender sender = null;
    if (roles.contains("aggregator")) {
      FleetAggregator.Builder b = FleetAggregator.builder(fleet).stateDirectory(required(config, "stateDirectory"))
          .clock(clock);
      durationIf(config, "grace", b::grace);
      durationIf(config, "punctuateEvery", b::punctuateEvery);
      durationIf(config, "dedupeRetention", b::dedupeRetention);
      config.stringPropertyNames().stream().filter(k -> k.startsWith("streams."))
          .forEach(k -> b.streamsProperty(k.substring("streams.".length()), config.getProperty(k)));
      aggregator = b.start();
    } else {
      fleet.ensureTopics();
    }
    if (roles.contains("sender")) {
      AwsUsageSubmitterBuilder s = AwsUsageSubmitter.builder().batchMeterUsage();
      if (config.getProperty("region") != null) {
        s.region(Region.of(config.getProperty("region")));
      }
      if (config.getProperty("endpoint") != null) {
        s.endpointOverride(URI.create(config.getProperty("endpoint")));
      }
      sender = FleetSender.builder(fleet).ledgerDirectory(required(config, "ledgerDirectory")).clock(clock)
          .submitter(s.build()).build().start();
    }
    return new Running(aggregator, sender);
  }

  /** The fleet that {@code config} describes. */
  public static KafkaFleet fleet(Properties config) {
    KafkaFleetBuilder b = KafkaFleet.builder().productCode(requiredText(config, "productCode"))
        .bootstrapServers(requiredText(config, "bootstrapServers"));
    intIf(config, "partitions", b::partitions);
    intIf(config, "replicationFactor", b::replicationFactor);
    intIf(config, "minInsyncReplicas", b::minInsyncReplicas);
    if (config.getProperty("createTopics") != null) {
      b.createTopics(Boolean.parseBoolean(config.getProperty("createTopics")));
    }
    durationIf(config, "transactionTimeout", b::transactionTimeout);
    if (config.getProperty("partialsTopic") != null) {
      b.partialsTopic(config.getProperty("partialsTopic"));
    }
    if (config.getProperty("finalsTopic") != null) {
      b.finalsTopic(config.getProperty("finalsTopic"));
    }
    if (config.getProperty("outcomesTopic") != null) {
      b.outcomesTopic(config.getProperty("outcomesTopic"));
    }
    config.stringPropertyNames().stream().filter(k -> k.startsWith("kafka."))
        .forEach(k -> b.clientProperty(k.substring("kafka.".length()), config.getProperty(k)));
    return b.build();
  }

  static Properties parse(String[] args) throws IOException {
    Properties config = new Properties();
    Properties overrides = new Properties();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config")) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--config needs a file");
        }
        try (InputStream in = Files.newInputStream(Path.of(args[++i]))) {
          config.load(in);
        }
      } else if (args[i].contains("=")) {
        int eq = args[i].indexOf('=');
        overrides.setProperty(args[i].substring(0, eq), args[i].substring(eq + 1));
      } else {
        throw new IllegalArgumentException("unknown argument '" + args[i] + "' (--config FILE, key=value)");
      }
    }
    config.putAll(overrides);
    return config;
  }

  /** The system clock, or an accelerated one when {@code clock.speedUp} is set (demos and tests). */
  static InstantSource clock(Properties config) {
    String speed = config.getProperty("clock.speedUp");
    if (speed == null) {
      return InstantSource.system();
    }
    double speedUp = Double.parseDouble(speed);
    long simulated = Instant.parse(requiredText(config, "clock.simulatedStart")).toEpochMilli();
    long base = Instant.parse(requiredText(config, "clock.baseStart")).toEpochMilli();
    InstantSource system = InstantSource.system();
    return () -> Instant.ofEpochMilli(simulated + (long) ((system.millis() - base) * speedUp));
  }

  private static String requiredText(Properties config, String key) {
    String v = config.getProperty(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(key + " is required");
    }
    return v.trim();
  }

  private static Path required(Properties config, String key) {
    return Path.of(requiredText(config, key));
  }

  private static void intIf(Properties config, String key, java.util.function.IntConsumer set) {
    String v = config.getProperty(key);
    if (v != null) {
      try {
        set.accept(Integer.parseInt(v.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be a number but was '" + v + "'");
      }
    }
  }

  private static void durationIf(Properties config, String key, java.util.function.Consumer<Duration> set) {
    String v = config.getProperty(key);
    if (v != null) {
      try {
        set.accept(Duration.parse(v.trim()));
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException(key + " must be an ISO-8601 duration (PT10M) but was '" + v + "'");
      }
    }
  }
}
