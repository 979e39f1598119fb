package io.hourmeter.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's aggregator: a Kafka Streams instance ({@code processing.guarantee=exactly_once_v2}) that
 * drops partials already seen, sums them per buyer, dimension, tag set and hour, closes each hour at
 * its end plus the fleet grace (decided by the injected clock, punctuated in wall-clock time, so idle
 * partitions close hours too), and writes one final per buyer-dimension-hour to the finals topic. A
 * partial that comes after its hour closed, and usage the sender carries back on the outcomes topic,
 * go into the buyer-dimension's next open hour: never dropped.
 *
 * <p>Run it inside the hosts' JVMs (one instance per host; the partitions are shared by the group) or
 * alone with {@link AggregatorMain}. Start with {@link #builder(KafkaFleet)}.
 *
 * <p>Thread-safe: {@link #status()} and {@link #close()} may be called from any thread.
 */
public final class FleetAggregator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FleetAggregator.class);

  private final KafkaStreams streams;
  private final AggregatorStatusBoard board;
  private final InstantSource clock;

  private FleetAggregator(KafkaStreams streams, AggregatorStatusBoard board, InstantSource clock) {
    this.streams = streams;
    this.board = board;
    this.clock = clock;
  }

  /** A builder for the aggregator of {@code fleet}. */
  public static Builder builder(KafkaFleet fleet) {
    return new Builder(fleet);
  }

  /** The aggregator's status now. */
  public AggregatorStatus status() {
    return new AggregatorStatus(clock.instant(), streams.state().name(), board.snapshot(), lag());
  }

  /** Records not yet read on this instance's input partitions, from the consumer's metrics; -1 if unknown. */
  private long lag() {
    long lag = -1;
    for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
      MetricName name = e.getKey();
      if (name.name().equals("records-lag") && name.tags().containsKey("partition")) {
        Object v = e.getValue().metricValue();
        if (v instanceof Double d && !d.isNaN()) {
          lag = Math.max(lag, 0) + d.longValue();
        }
      }
    }
    return lag;
  }

  /** Whether Streams is running or rebalancing (not failed or closed). */
  public boolean isRunning() {
    return streams.state().isRunningOrRebalancing();
  }

  /** Stops the instance, committing what it processed; waits at most 30 s. */
  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }

  /**
   * Options of one aggregator instance. Not thread-safe.
   */
  public static final class Builder {
    /** Default fleet grace: how long after an hour's end partials of it are still summed into it. */
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);
    /** Default wall-clock interval at which every partition checks whether an hour closed. */
    public static final Duration DEFAULT_PUNCTUATE_EVERY = Duration.ofSeconds(5);
    /** Default time a closed hour's partial identities are kept to drop duplicates. */
    public static final Duration DEFAULT_DEDUPE_RETENTION = Duration.ofHours(48);

    private final KafkaFleet fleet;
    private Path stateDirectory;
    private InstantSource clock = InstantSource.system();
    private Duration grace = DEFAULT_GRACE;
    private Duration punctuateEvery = DEFAULT_PUNCTUATE_EVERY;
    private Duration dedupeRetention = DEFAULT_DEDUPE_RETENTION;
    private int threads = 1;
    private boolean ensureTopics = true;
    private final Map<String, String> streamsProperties = new LinkedHashMap<>();

    private Builder(KafkaFleet fleet) {
      this.fleet = Objects.requireNonNull(fleet, "fleet");
    }

    /** Where Streams keeps its RocksDB stores (required; persistent local disk). */
    public Builder stateDirectory(Path directory) {
      this.stateDirectory = Objects.requireNonNull(directory, "stateDirectory");
      return this;
    }

    /** The clock that decides when hours close (default the system clock). */
    public Builder clock(InstantSource source) {
      this.clock = Objects.requireNonNull(source, "clock");
      return this;
    }

    /**
     * How long after an hour ends it stays open for partials (default 10 min): more than the hosts'
     * hourGrace plus the time a host takes to ship a closed hour.
     */
    public Builder grace(Duration fleetGrace) {
      Objects.requireNonNull(fleetGrace, "grace");
      if (fleetGrace.isNegative() || fleetGrace.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("grace must be within 0..1 h but was " + fleetGrace);
      }
      this.grace = fleetGrace;
      return this;
    }

    /** How often, in wall-clock time, each partition checks for hours to close (default 5 s). */
    public Builder punctuateEvery(Duration interval) {
      Objects.requireNonNull(interval, "punctuateEvery");
      if (interval.toMillis() < 1 || interval.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("punctuateEvery must be within 1 ms..5 min but was " + interval);
      }
      this.punctuateEvery = interval;
      return this;
    }

    /**
     * How long after an hour closed its partials' identities are kept to drop duplicates (default
     * 48 h): at least as long as a host may resend one (its usageWindow).
     */
    public Builder dedupeRetention(Duration retention) {
      Objects.requireNonNull(retention, "dedupeRetention");
      if (retention.compareTo(Duration.ofHours(1)) < 0) {
        throw new IllegalArgumentException("dedupeRetention must be at least 1 h but was " + retention);
      }
      this.dedupeRetention = retention;
      return this;
    }

    /** Stream threads of this instance (default 1). */
    public Builder threads(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("threads must be 1 or more but was " + count);
      }
      this.threads = count;
      return this;
    }

    /** Whether start checks (and, when the fleet allows, creates) the topics first (default true). */
    public Builder ensureTopics(boolean ensure) {
      this.ensureTopics = ensure;
      return this;
    }

    /**
     * A Kafka Streams setting (session and transaction timeouts, commit interval). The settings that make
     * the aggregator exactly-once and name it are refused.
     */
    public Builder streamsProperty(String key, String value) {
      if (key.equals(StreamsConfig.PROCESSING_GUARANTEE_CONFIG) || key.equals(StreamsConfig.APPLICATION_ID_CONFIG)
          || key.equals(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG) || key.equals(StreamsConfig.STATE_DIR_CONFIG)) {
        throw new IllegalArgumentException("streamsProperty " + key + " is set by the aggregator itself");
      }
      streamsProperties.put(key, Objects.requireNonNull(value, key));
      return this;
    }

    /** The topology this builder's aggregator runs (for tests and tools). */
    Topology topology(AggregatorStatusBoard board) {
      return FleetTopology.build(fleet, clock, grace, punctuateEvery, dedupeRetention, board);
    }

    /** The Streams settings this builder's aggregator runs with. */
    Properties properties() {
      if (stateDirectory == null) {
        throw new IllegalStateException("stateDirectory is required");
      }
      Properties p = new Properties();
      p.putAll(fleet.clientProperties());
      p.put(StreamsConfig.APPLICATION_ID_CONFIG, fleet.aggregatorApplicationId());
      p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.bootstrapServers());
      p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      p.put(StreamsConfig.STATE_DIR_CONFIG, stateDirectory.toAbsolutePath().toString());
      p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
      p.put(StreamsConfig.producerPrefix("transaction.timeout.ms"), (int) fleet.transactionTimeout().toMillis());
      p.put(StreamsConfig.topicPrefix("min.insync.replicas"), Integer.toString(fleet.minInsyncReplicas()));
      p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) fleet.replicationFactor());
      p.putAll(streamsProperties);
      return p;
    }

    /**
     * Checks the topics (see {@link KafkaFleet#ensureTopics()}) and starts the instance.
     *
     * @throws io.hourmeter.HourmeterException if a topic is wrong or Kafka does not answer
     * @throws IllegalStateException if a required option is missing
     */
    public FleetAggregator start() {
      Properties props = properties();
      if (ensureTopics) {
        fleet.ensureTopics();
      }
      AggregatorStatusBoard board = new AggregatorStatusBoard();
      KafkaStreams streams = new KafkaStreams(topology(board), props);
      streams.setUncaughtExceptionHandler(e -> {
        LOG.error("an aggregator stream thread failed; it is replaced", e);
        return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
            .REPLACE_THREAD;
      });
      streams.start();
      LOG.info("aggregator {} started on {}", fleet.aggregatorApplicationId(), fleet.bootstrapServers());
      return new FleetAggregator(streams, board, clock);
    }
  }
}
