package io.hourmeter.kafka.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker for tests: one KRaft process (broker and controller) in a child JVM on
 * 127.0.0.1, on a log directory formatted for it, with the settings a test cluster of one node needs
 * (internal topics of one replica, transactions that start at once, a dead broker's registration that
 * expires in 3 s so that a restart after SIGKILL is accepted within seconds, group session timeouts down
 * to 1 s, and record timestamps accepted however far ahead, for accelerated clocks).
 *
 * <p>The broker's class path comes from the file named by the system property
 * {@value #CLASSPATH_PROPERTY} (written by the {@code hourmeter-kafka-broker} module), so the broker's
 * Scala, Jackson and log4j never reach the test's own class path. Its output goes to
 * {@link #output()}; it halts by itself when the test JVM goes away, even by SIGKILL.
 *
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka"))) {
 *   producerProps.put("bootstrap.servers", broker.bootstrapServers());
 *   ...
 *   broker.kill9();      // SIGKILL, as a crash
 *   broker.restart();    // same ports, same log directory; returns once it answers again
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one test thread drives a broker; {@link #bootstrapServers()} may be read from any.
 */
public final class KafkaBroker implements AutoCloseable {
  /** The system property naming the file that holds the broker's class path. */
  public static final String CLASSPATH_PROPERTY = "hourmeter.kafka.brokerClasspath";
  /** How long a start may take on a busy machine before it fails (measured: 4 s cold, 5.5 s after a kill). */
  static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);
  /** Lines of the broker's output a failed start shows. */
  private static final int TAIL_LINES = 40;

  private final Path directory;
  private final Path propertiesFile;
  private final Path output;
  private final int brokerPort;
  private final Duration startTimeout;
  private final List<String> jvmOptions;
  private final String classPath;
  private Process process;
  private int starts;

  private KafkaBroker(Builder builder, int brokerPort, int controllerPort) throws IOException {
    this.directory = builder.directory;
    this.brokerPort = brokerPort;
    this.startTimeout = builder.startTimeout;
    this.jvmOptions = List.copyOf(builder.jvmOptions);
    this.classPath = brokerClassPath();
    Files.createDirectories(directory);
    this.propertiesFile = directory.resolve("server.properties");
    this.output = directory.resolve("broker.out");
    Files.writeString(propertiesFile, serverProperties(directory.resolve("log"), brokerPort, controllerPort,
        builder.properties), StandardCharsets.UTF_8);
    Files.writeString(directory.resolve("log4j2.properties"), LOG4J2, StandardCharsets.UTF_8);
  }

  /** A broker with the test defaults on {@code directory} (created if missing), started and ready. */
  public static KafkaBroker start(Path directory) {
    return builder(directory).start();
  }

  /** A builder for a broker whose files (properties, log directory, output) go under {@code directory}. */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /** {@code host:port} of the broker's listener, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  /** The broker's standard output and error, every incarnation appended. */
  public Path output() {
    return output;
  }

  /** The broker's data (its {@code log.dirs}). */
  public Path logDirectory() {
    return directory.resolve("log");
  }

  /** Whether the broker process is running. */
  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL, as a crash of the broker's machine would (the page cache survives: no power loss); waits until it is gone. */
  public void kill9() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the Kafka broker did not die within 30 s of SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Starts the broker again on the same ports and log directory (after {@link #kill9()}, or kills it
   * first if it still runs), and returns once it answers; log recovery included.
   *
   * @throws IllegalStateException if it dies or does not answer within the start timeout (with the output's tail)
   */
  public void restart() {
    kill9();
    launch(null);
  }

  /**
   * Closes the broker's standard input, as the death of this JVM would, and waits up to {@code timeout}
   * for it to halt; returns its exit status, or -1 if it still runs.
   */
  int orphan(Duration timeout) throws InterruptedException, IOException {
    process.getOutputStream().close();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** Kills the broker (tests need no clean shutdown; its files stay for inspection). */
  @Override
  public void close() {
    kill9();
  }

  private void launch(String formatClusterId) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-Dlog4j2.configurationFile=" + directory.resolve("log4j2.properties"));
    command.add("-cp");
    command.add(classPath);
    command.add(BrokerMain.class.getName());
    command.add(propertiesFile.toString());
    if (formatClusterId != null) {
      command.add("format");
      command.add(formatClusterId);
    }
    try {
      Files.writeString(output, "==== start " + ++starts + " ====\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      // Standard input stays a pipe that this JVM holds open: BrokerMain halts when it closes.
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Kafka broker", e);
    }
    awaitReady();
  }

  /** Polls {@code describeCluster} until the broker answers, failing fast if the process dies. */
  private void awaitReady() {
    Properties admin = new Properties();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    admin.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
    long deadline = System.nanoTime() + startTimeout.toNanos();
    try (Admin client = Admin.create(admin)) {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the Kafka broker exited with " + process.exitValue()
              + " while starting; last lines of " + output + ":\n" + tail());
        }
        try {
          if (!client.describeCluster().nodes().get(1, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          // not up yet
        }
        if (System.nanoTime() > deadline) {
          kill9();
          throw new IllegalStateException("the Kafka broker did not answer within " + startTimeout
              + "; last lines of " + output + ":\n" + tail());
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill9();
      throw new IllegalStateException("interrupted while the Kafka broker started", e);
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static String brokerClassPath() {
    String file = System.getProperty(CLASSPATH_PROPERTY);
    if (file == null || file.isBlank()) {
      throw new IllegalStateException("system property " + CLASSPATH_PROPERTY + " is not set: it names the "
          + "broker's class path file (kafka-broker/target/broker-classpath.txt); set it in Surefire and build "
          + "with -am so that hourmeter-kafka-broker writes it");
    }
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(CLASSPATH_PROPERTY + "=" + file + " does not exist: build with -am so "
          + "that hourmeter-kafka-broker writes it");
    }
    try {
      String brokerJars = Files.readString(path, StandardCharsets.UTF_8).trim();
      String ours = Path.of(BrokerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
      // The broker's jars first: ours may be a shaded jar (benchmarks) holding other versions of its libraries.
      return brokerJars + java.io.File.pathSeparator + ours;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static String serverProperties(Path logDir, int brokerPort, int controllerPort, Map<String, String> overrides) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("log.dirs", logDir.toString());
    // One node: internal topics of one replica (without these no group finds a coordinator and
    // initTransactions times out after 60 s), one partition each, no rebalance delay.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    // A SIGKILLed broker's registration expires in 3 s (9 s by default), so its restart is accepted at once.
    p.put("broker.session.timeout.ms", "3000");
    p.put("broker.heartbeat.interval.ms", "500");
    // Tests lower their clients' session timeouts (6 s is the broker's default floor) so that a killed
    // group member is replaced in seconds.
    p.put("group.min.session.timeout.ms", "1000");
    // Tests and the demo run accelerated clocks whose records are stamped hours or days ahead of real
    // time; Kafka 4 rejects a timestamp more than an hour ahead by default (KIP-937).
    p.put("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
    p.putAll(overrides);
    StringBuilder out = new StringBuilder("# written by io.hourmeter.kafka.testkit.KafkaBroker\n");
    p.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
    return out.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /** The broker's log: warnings, and the server's start and stop lines. */
  private static final String LOG4J2 = String.join("\n",
      "status = warn",
      "appender.out.type = Console",
      "appender.out.name = OUT",
      "appender.out.layout.type = PatternLayout",
      "appender.out.layout.pattern = [%d] %p %m (%c)%n",
      "rootLogger.level = warn",
      "rootLogger.appenderRef.out.ref = OUT",
      "logger.server.name = kafka.server.BrokerServer",
      "logger.server.level = info",
      "logger.controller.name = kafka.server.ControllerServer",
      "logger.controller.level = info",
      "");

  /**
   * Options of a {@link KafkaBroker}: broker settings beyond the test defaults, JVM options, the start
   * timeout. Not thread-safe.
   */
  public static final class Builder {
    private final Path directory;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>(
        // A third less CPU than the defaults, on 2 cores shared with the test JVM.
        List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    private Duration startTimeout = DEFAULT_START_TIMEOUT;

    private Builder(Path directory) {
      if (directory == null) {
        throw new IllegalArgumentException("directory must not be null");
      }
      this.directory = directory;
    }

    /** A {@code server.properties} setting, over the test defaults (see {@link KafkaBroker}). */
    public Builder property(String key, String value) {
      if (key == null || key.isBlank() || value == null) {
        throw new IllegalArgumentException("property needs a key and a value, got " + key + "=" + value);
      }
      properties.put(key, value);
      return this;
    }

    /** A JVM option of the broker's process, after the defaults ({@code -Xmx256m}, serial GC, C1 only). */
    public Builder jvmOption(String option) {
      jvmOptions.add(option);
      return this;
    }

    /** How long a start or restart may take before it fails (default 90 s). */
    public Builder startTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startTimeout must be positive, got " + timeout);
      }
      this.startTimeout = timeout;
      return this;
    }

    /**
     * Picks two free ports on 127.0.0.1, writes {@code server.properties}, formats the log directory
     * and starts the broker; returns once it answers {@code describeCluster}.
     *
     * @throws IllegalStateException if the broker's class path is not set, or it fails to start (with its output's tail)
     */
    public KafkaBroker start() {
      try {
        int brokerPort = freePort();
        int controllerPort = freePort();
        while (controllerPort == brokerPort) {
          controllerPort = freePort();
        }
        KafkaBroker broker = new KafkaBroker(this, brokerPort, controllerPort);
        broker.launch(Uuid.randomUuid().toString());
        return broker;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare the Kafka broker in " + directory, e);
      }
    }
  }
}
