package io.hourmeter.samples.demo;

import io.hourmeter.aws.AwsUsageSubmitter;
import io.hourmeter.kafka.AggregatorStatus;
import io.hourmeter.kafka.FleetAggregator;
import io.hourmeter.kafka.FleetSender;
import io.hourmeter.kafka.KafkaFleet;
import io.hourmeter.kafka.SenderStatus;
import io.hourmeter.kafka.testkit.KafkaBroker;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.samples.support.JvmFlags;
import io.hourmeter.spi.UsageKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The fleet demo ({@code --saas --fleet N}): a real Kafka broker in a child JVM ({@link KafkaBroker}),
 * {@code N} metering processes ({@link DemoWorker}, each a host with its own journal) that ship their
 * partials to it, the aggregator and the sender in this process (Kafka Streams, exactly-once), and the
 * local Metering endpoint. It ends with the SaaS demo's own reconciliation ({@link Reconciliation}),
 * here of every host's journal against the sender's ledger and the endpoint: per hour and per customer.
 * Single-threaded: {@link #run} on the demo's thread.
 */
final class FleetDemo {
  /** The one fleet every process of the demo uses: one broker, so one replica. */
  static KafkaFleet fleet(String bootstrapServers) {
    return KafkaFleet.builder()
        .productCode(DemoProduct.LOCAL_SAAS_PRODUCT_CODE)
        .bootstrapServers(bootstrapServers)
        .partitions(3)
        .replicationFactor(1)
        .minInsyncReplicas(1)
        .transactionTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** What a fleet demo ended with: the account, and whether every process finished cleanly. */
  record Result(Reconciliation account, boolean finished) { }

  private static final Duration STARTUP_BUDGET = Duration.ofSeconds(90);
  /** How long the aggregator and sender must show nothing moving before the books are read. */
  private static final Duration SETTLED_FOR = Duration.ofSeconds(4);

  private final PrintStream out;
  private final int hosts;
  private final double secondsPerHour;
  private final int hours;
  private final int threads;
  private final int buyers;
  private final double recordsPerSecond;

  FleetDemo(PrintStream out, int hosts, double secondsPerHour, int hours, int threads, int buyers,
      double recordsPerSecond) {
    this.out = out;
    this.hosts = hosts;
    this.secondsPerHour = secondsPerHour;
    this.hours = hours;
    this.threads = threads;
    this.buyers = buyers;
    this.recordsPerSecond = recordsPerSecond;
  }

  Result run(Path dir) throws Exception {
    List<String> dims = DemoProduct.LOCAL_DIMENSIONS;
    String product = DemoProduct.LOCAL_SAAS_PRODUCT_CODE;
    DemoBuyers customers = DemoBuyers.generate(buyers);
    Instant origin = InstantSource.system().instant().truncatedTo(ChronoUnit.HOURS);
    double speedUp = 3600 / secondsPerHour;
    StartableClock clock = new StartableClock(origin, speedUp);
    Instant recordUntil = origin.plus(Duration.ofHours(hours));
    LocalMeteringEndpoint.Builder endpointBuilder = LocalMeteringEndpoint.builder()
        .product(product, dims.toArray(String[]::new)).clock(clock).softwareStartedAt(origin);
    customers.buyers().stream().filter(b -> !customers.notSubscribed().contains(b))
        .forEach(b -> endpointBuilder.subscriber(product, DemoBuyers.toEndpoint(b)));
    Path buyersFile = dir.resolve("buyers.txt");
    customers.write(buyersFile);

    out.println("Hourmeter SaaS fleet demo: starting a Kafka broker (KRaft, a child JVM on 127.0.0.1)...");
    try (KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"));
         LocalMeteringEndpoint endpoint = endpointBuilder.build().start()) {
      KafkaFleet fleet = fleet(broker.bootstrapServers());
      fleet.ensureTopics();
      out.println("Kafka on " + broker.bootstrapServers() + " (topics " + fleet.partialsTopic() + ", "
          + fleet.finalsTopic() + ", " + fleet.outcomesTopic() + "); local Metering endpoint (BatchMeterUsage) on "
          + endpoint.uri() + "; " + hosts + " hosts x " + Math.max(1, threads / hosts) + " threads record for "
          + customers.buyers().size() + " customers (" + customers.notSubscribed().size() + " not subscribed) in "
          + dims + "; 1 hour = " + secondsPerHour + " s; " + hours + " hours");
      WorkerArgs base = new WorkerArgs(dir.resolve("unused"), dir.resolve("unused"), product, dims, 1, false,
          endpoint.uri(), null, origin, null, speedUp, recordUntil,
          Duration.ofMillis(Math.round(3 * secondsPerHour * 1000)).plusSeconds(60), recordsPerSecond / hosts,
          buyersFile, null);
      List<WorkerArgs> hostArgs = new ArrayList<>();
      for (int i = 0; i < hosts; i++) {
        hostArgs.add(base.forHost(ownerOnly(dir.resolve("host-" + (i + 1))), Math.max(1, threads / hosts),
            broker.bootstrapServers()));
      }
      ownerOnly(dir.resolve("aggregator/ledger"));
      // The aggregator and the sender, in this process, on the demo's clock. The fleet grace is 3 s of real
      // time: what a host takes to freeze and ship a closed hour (its hourGrace is 0.6 s).
      FleetAggregator aggregator = FleetAggregator.builder(fleet).stateDirectory(dir.resolve("aggregator/state"))
          .clock(clock).grace(simulated(Duration.ofSeconds(3), speedUp)).punctuateEvery(Duration.ofMillis(200))
          .streamsProperty("commit.interval.ms", "100").ensureTopics(false).start();
      FleetSender sender = FleetSender.builder(fleet).ledgerDirectory(dir.resolve("aggregator/ledger")).clock(clock)
          .submitter(AwsUsageSubmitter.builder().batchMeterUsage().endpointOverride(endpoint.uri())
              .region(Region.US_EAST_1)
              .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("demo", "demo")))
              .build())
          .build().start();
      boolean finished;
      try {
        finished = runHosts(hostArgs, clock, aggregator, sender, dir);
        finished &= awaitSettled(aggregator, sender);
        printFleet(aggregator.status(), sender.status());
      } finally {
        sender.close();
        aggregator.close();
      }
      return new Result(account(hostArgs, dir.resolve("aggregator/ledger"), endpoint, customers), finished);
    }
  }

  /** Starts every host, starts the clock once all are ready, and waits for each to drain and exit. */
  private boolean runHosts(List<WorkerArgs> hostArgs, StartableClock clock, FleetAggregator aggregator,
      FleetSender sender, Path dir) throws Exception {
    List<Process> processes = new ArrayList<>();
    List<BufferedReader> outputs = new ArrayList<>();
    for (int i = 0; i < hostArgs.size(); i++) {
      Process p = start(hostArgs.get(i), dir.resolve("host-" + (i + 1) + ".log"));
      processes.add(p);
      outputs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
    }
    long startBy = System.nanoTime() + STARTUP_BUDGET.toNanos();
    for (int i = 0; i < processes.size(); i++) {
      String line;
      while ((line = outputs.get(i).readLine()) != null && !line.startsWith("ready uptime=")) {
        if (System.nanoTime() > startBy) {
          break;
        }
      }
      if (line == null) {
        out.println("host " + (i + 1) + " exited while starting; see " + dir.resolve("host-" + (i + 1) + ".log"));
        processes.forEach(Process::destroyForcibly);
        return false;
      }
      out.println("host " + (i + 1) + " (pid " + processes.get(i).pid() + ") ready after "
          + Long.parseLong(line.substring("ready uptime=".length())) / 1000.0 + " s");
    }
    Instant realOrigin = InstantSource.system().instant();
    clock.start(realOrigin);
    for (Process p : processes) {
      p.getOutputStream().write(("start " + realOrigin + "\n").getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().flush();
    }
    for (BufferedReader o : outputs) {
      Thread drain = new Thread(() -> discard(o), "host-output");
      drain.setDaemon(true);
      drain.start();
    }
    long deadline = System.nanoTime() + hostArgs.get(0).drainTimeout().plusSeconds((long) (hours * secondsPerHour))
        .plus(STARTUP_BUDGET).toNanos();
    boolean ok = true;
    long nextLine = 0;
    for (Process p : processes) {
      while (p.isAlive() && System.nanoTime() < deadline) {
        if (System.nanoTime() > nextLine) {
          printProgress(clock, processes, aggregator.status(), sender.status());
          nextLine = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        }
        p.waitFor(200, TimeUnit.MILLISECONDS);
      }
      if (p.isAlive()) {
        p.destroyForcibly();
        ok = false;
      } else {
        ok &= p.exitValue() == 0;
      }
    }
    out.println("every host drained: its partials are committed to Kafka");
    return ok;
  }

  private Process start(WorkerArgs args, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.addAll(JvmFlags.chronicle());
    command.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DemoWorker.class.getName());
    command.addAll(args.toArgs());
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  private static void discard(BufferedReader output) {
    try {
      while (output.readLine() != null) {
        // progress lines of the hosts; the fleet's progress is the aggregator's and the sender's
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  /** Waits until no hour is open, nothing is unread or waiting, and the sender's figures stand still. */
  private boolean awaitSettled(FleetAggregator aggregator, FleetSender sender) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds((long) (3 * secondsPerHour) + 60).toNanos();
    String last = null;
    long since = System.nanoTime();
    while (System.nanoTime() < deadline) {
      AggregatorStatus a = aggregator.status();
      SenderStatus s = sender.status();
      long open = a.partitions().stream().mapToLong(p -> p.openKeysByHour().values().stream()
          .mapToLong(Long::longValue).sum()).sum();
      boolean quiet = open == 0 && a.consumerLag() == 0 && s.finalsLag() == 0 && s.carriesWaiting() == 0;
      String figures = a.finalsEmitted() + "/" + s.acceptedReports() + "/" + s.deadLetteredReports() + "/"
          + s.finalsPending();
      if (!quiet || !figures.equals(last)) {
        last = quiet ? figures : null;
        since = System.nanoTime();
      } else if (System.nanoTime() - since > SETTLED_FOR.toNanos()) {
        return true;
      }
      Thread.sleep(200);
    }
    out.println("the aggregator and the sender did not settle in time");
    return false;
  }

  private void printProgress(InstantSource clock, List<Process> processes, AggregatorStatus a, SenderStatus s) {
    long alive = processes.stream().filter(Process::isAlive).count();
    out.printf("simulated %s  hosts running %d/%d  aggregator %s: finals %,d, late partials carried %,d  "
            + "sender: accepted %,d records (%,d units), %,d pending%n",
        clock.instant().truncatedTo(ChronoUnit.MINUTES), alive, processes.size(), a.state(), a.finalsEmitted(),
        a.latePartialsCarried(), s.acceptedReports(), s.acceptedUnits(), s.finalsPending());
  }

  private void printFleet(AggregatorStatus a, SenderStatus s) {
    long duplicates = a.partitions().stream().mapToLong(AggregatorStatus.PartitionStatus::duplicatesDropped).sum();
    out.printf("%nFleet: %d hosts; the aggregator emitted %,d finals (one per customer, dimension and hour), "
            + "dropped %,d partials seen before, carried %,d late ones; the sender had %,d records accepted "
            + "(%,d units), %,d dead-lettered (%,d units)%n",
        hosts, a.finalsEmitted(), duplicates, a.latePartialsCarried(), s.acceptedReports(), s.acceptedUnits(),
        s.deadLetteredReports(), s.deadLetteredUnits());
  }

  /**
   * The account: every host's journal summed (what was recorded), the sender's ledger (one report per
   * customer, dimension and hour), the endpoint's records, and every host's application counters summed.
   */
  private static Reconciliation account(List<WorkerArgs> hosts, Path senderLedger, LocalMeteringEndpoint endpoint,
      DemoBuyers customers) throws IOException {
    Map<UsageKey, Map<Long, Long>> recorded = new TreeMap<>();
    Map<UsageKey, Reconciliation.AppCount> app = new TreeMap<>();
    for (WorkerArgs host : hosts) {
      DemoLedger.read(host.journal()).recorded().forEach((key, byHour) -> byHour.forEach((hour, units) ->
          recorded.computeIfAbsent(key, k -> new TreeMap<>()).merge(hour, units, Long::sum)));
      List<UsageKey> keys = host.keys();
      if (Files.exists(host.countersFile())) {
        try (AppCounters counters = AppCounters.open(host.countersFile(), host.threads(), keys.size())) {
          for (int k = 0; k < keys.size(); k++) {
            app.merge(keys.get(k), new Reconciliation.AppCount(counters.acknowledged(k), counters.attempted(k)),
                Reconciliation.AppCount::plus);
          }
        }
      }
    }
    return Reconciliation.ofFleet(recorded, DemoLedger.read(senderLedger).reports(), AcceptedByEndpoint.of(endpoint),
        app, customers);
  }

  /** Creates {@code directory} as Hourmeter creates its own (rwx------), so that the journal does not warn. */
  private static Path ownerOnly(Path directory) throws IOException {
    Files.createDirectories(directory.getParent());
    if (!Files.exists(directory)) {
      Files.createDirectory(directory, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    }
    return directory;
  }

  private static Duration simulated(Duration real, double speedUp) {
    return Duration.ofMillis(Math.round(real.toMillis() * speedUp));
  }
}
