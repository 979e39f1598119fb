package io.hourmeter.samples.demo;

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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Hourmeter demo: a local Metering endpoint on 127.0.0.1, a metering process (a child JVM running
 * {@link DemoWorker}) whose application threads record usage in three dimensions on an accelerated
 * clock, a live status line, optionally a SIGKILL and restart of the metering process part-way, and a
 * final reconciliation per dimension and hour that must match. With {@code --saas} the meter meters a
 * few hundred SaaS buyers with BatchMeterUsage, some of them not subscribed at the endpoint, and the
 * reconciliation is per customer too. With {@code --aws} it meters against real AWS Marketplace
 * instead, on real time. With {@code --saas --fleet N} it runs a fleet on Kafka ({@link FleetDemo}): a
 * broker, N hosts, the aggregator and the sender. Exit code 0 only when the reconciliation matches.
 */
@Command(name = "hourmeter-demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Runs Hourmeter end to end and proves the books balance.",
        "Default: a local Metering endpoint and an accelerated clock (1 hour = 10 s)."})
public final class Demo implements Callable<Integer> {

  @Option(names = "--seconds-per-hour", defaultValue = "10", paramLabel = "S",
      description = "Real seconds per simulated hour (default ${DEFAULT-VALUE}).")
  double secondsPerHour;

  @Option(names = "--hours", defaultValue = "3", paramLabel = "N",
      description = "Simulated hours of recording (default ${DEFAULT-VALUE}).")
  int hours;

  @Option(names = "--threads", defaultValue = "4", paramLabel = "N",
      description = "Application threads recording usage (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--saas", description = {"Meter SaaS buyers with BatchMeterUsage: a few hundred customers "
      + "(by account and LicenseArn, by account, by legacy CustomerIdentifier), some of them not subscribed."})
  boolean saas;

  @Option(names = "--buyers", paramLabel = "N",
      description = "With --saas: how many customers (default " + DEFAULT_BUYERS + ").")
  Integer buyers;

  @Option(names = "--fleet", paramLabel = "N", description = {"With --saas: a fleet of N hosts (2..8) on Kafka: "
      + "starts a Kafka broker (a child JVM), N metering processes that ship their partials to it, the aggregator "
      + "and the sender; reconciled per customer over every host."})
  Integer fleet;

  @Option(names = "--crash-restart",
      description = "Kill the metering process with SIGKILL part-way and restart it on the same journal.")
  boolean crashRestart;

  @Option(names = "--kills", defaultValue = "1", paramLabel = "N",
      description = "With --crash-restart: how many times to kill it (default ${DEFAULT-VALUE}).")
  int kills;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Where to put the journal and logs (default: a new temporary directory).")
  Path workDir;

  @Option(names = "--keep", description = "Keep the work directory (journal, logs) at the end.")
  boolean keep;

  @Option(names = "--plain", description = "Print plain progress lines even on a terminal.")
  boolean plain;

  @Option(names = "--seed", paramLabel = "N", description = "Seed for the kill times (default: random).")
  Long seed;

  @Option(names = "--aws", description = {"Meter against real AWS Marketplace, on real time. This bills real "
      + "usage to the buyer of the product code: use a limited (test) listing."})
  boolean aws;

  @Option(names = "--product-code", paramLabel = "CODE", description = "With --aws: your product code.")
  String productCode;

  @Option(names = "--dimensions", split = ",", paramLabel = "NAME",
      description = "With --aws: your product's dimensions, comma-separated.")
  List<String> dimensions;

  @Option(names = "--region", paramLabel = "REGION",
      description = "With --aws: the region (default: the SDK's region chain, e.g. the instance's own).")
  String region;

  @Option(names = "--endpoint-override", paramLabel = "URI",
      description = "With --aws: another Metering endpoint, e.g. a VPC interface endpoint or a FIPS one.")
  java.net.URI endpointOverride;

  @Option(names = "--records-per-second", paramLabel = "N",
      description = "Records per second over all threads (default: as fast as the demo goes locally; "
          + "10 with --aws).")
  Double recordsPerSecond;

  @Option(names = "--duration", defaultValue = "PT2M", paramLabel = "ISO",
      description = "With --aws: how long to record, ISO-8601 (default ${DEFAULT-VALUE}); "
          + "the partial hour is reported at the end.")
  Duration duration;

  /** How many SaaS buyers the demo meters unless told. */
  static final int DEFAULT_BUYERS = 300;

  /** How long a metering process may take to start, at most. */
  private static final Duration STARTUP_BUDGET = Duration.ofSeconds(60);

  private final PrintStream out;
  private volatile Reconciliation lastReconciliation;
  private volatile int restarts;
  private volatile WorkerArgs workerArgs;
  /** The recording window, on the meter's clock, once the first metering process is ready. */
  private volatile Instant recordingFrom;
  private volatile Instant recordingUntil;

  public Demo() {
    this(System.out);
  }

  Demo(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Demo()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    validate();
    Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("hourmeter-demo");
    try {
      if (fleet != null) {
        FleetDemo.Result result = new FleetDemo(out, fleet, secondsPerHour, hours, Math.max(threads, fleet),
            buyers != null ? buyers : DEFAULT_BUYERS, recordsPerSecond == null ? 0 : recordsPerSecond).run(dir);
        return report(result.account(), result.finished());
      }
      return aws ? runAgainstAws(dir) : runLocally(dir);
    } finally {
      if (keep || workDir != null) {
        out.println("Journal and logs kept in " + dir);
      } else {
        deleteRecursively(dir);
      }
    }
  }

  private void validate() {
    CommandLine cli = new CommandLine(this);
    if (aws && (productCode == null || dimensions == null || dimensions.isEmpty())) {
      throw new CommandLine.ParameterException(cli, "--aws needs --product-code and --dimensions");
    }
    if (!aws && (productCode != null || dimensions != null || region != null || endpointOverride != null)) {
      throw new CommandLine.ParameterException(cli,
          "--product-code, --dimensions, --region and --endpoint-override go with --aws");
    }
    if (recordsPerSecond != null && !(recordsPerSecond > 0)) {
      throw new CommandLine.ParameterException(cli, "--records-per-second must be positive");
    }
    if (secondsPerHour < 1 || secondsPerHour > 3600) {
      throw new CommandLine.ParameterException(cli, "--seconds-per-hour must be within 1..3600");
    }
    if (saas && aws) {
      throw new CommandLine.ParameterException(cli, "--saas runs against the local endpoint only: against AWS "
          + "it would bill real buyers");
    }
    if (buyers != null && (!saas || buyers < 1 || buyers > 5000)) {
      throw new CommandLine.ParameterException(cli, "--buyers goes with --saas and must be within 1..5000");
    }
    if (fleet != null && (!saas || fleet < 2 || fleet > 8 || crashRestart)) {
      throw new CommandLine.ParameterException(cli, "--fleet goes with --saas (not with --crash-restart; the fleet "
          + "test kills hosts, the aggregator and the broker) and must be within 2..8");
    }
    if (hours < 1 || hours > 5 || threads < 1 || threads > 64 || kills < 1 || kills > 10) {
      throw new CommandLine.ParameterException(cli, "--hours must be 1..5, --threads 1..64, --kills 1..10");
    }
  }

  private int runLocally(Path dir) throws Exception {
    List<String> dims = DemoProduct.LOCAL_DIMENSIONS;
    String product = saas ? DemoProduct.LOCAL_SAAS_PRODUCT_CODE : DemoProduct.LOCAL_PRODUCT_CODE;
    DemoBuyers customers = saas ? DemoBuyers.generate(buyers != null ? buyers : DEFAULT_BUYERS) : null;
    // Simulated time starts at an hour boundary once the metering process is ready (StartableClock), so
    // that every simulated hour is recorded in full however slowly the JVM starts.
    Instant origin = InstantSource.system().instant().truncatedTo(ChronoUnit.HOURS);
    double speedUp = 3600 / secondsPerHour;
    StartableClock clock = new StartableClock(origin, speedUp);
    Instant recordUntil = origin.plus(Duration.ofHours(hours));
    LocalMeteringEndpoint.Builder endpointBuilder = LocalMeteringEndpoint.builder()
        .product(product, dims.toArray(String[]::new))
        .clock(clock)
        .softwareStartedAt(origin);
    Path buyersFile = null;
    if (customers != null) {
      customers.buyers().stream().filter(b -> !customers.notSubscribed().contains(b))
          .forEach(b -> endpointBuilder.subscriber(product, DemoBuyers.toEndpoint(b)));
      buyersFile = dir.resolve("buyers.txt");
      customers.write(buyersFile);
    }
    try (LocalMeteringEndpoint endpoint = endpointBuilder.build()) {
      endpoint.start();
      out.println("Hourmeter " + (saas ? "SaaS demo: local Metering endpoint (BatchMeterUsage) on " : "demo: local "
          + "Metering endpoint on ") + endpoint.uri() + "; 1 hour = "
          + secondsPerHour + " s; " + hours + (hours == 1 ? " hour" : " hours") + " of usage in " + dims + " from " + threads + " threads"
          + (customers != null ? " for " + describe(customers) : "")
          + (crashRestart ? "; the metering process will be killed " + kills + " time(s) with SIGKILL" : ""));
      WorkerArgs args = new WorkerArgs(dir.resolve("journal"), dir.resolve("app-counters.bin"),
          product, dims, threads, false, endpoint.uri(), null,
          origin, null, speedUp, recordUntil,
          Duration.ofMillis(Math.round(2 * secondsPerHour * 1000)).plusSeconds(60),
          recordsPerSecond == null ? 0 : recordsPerSecond, buyersFile, null);
      ProgressDisplay display = new ProgressDisplay(out, !plain && System.console() != null, origin, recordUntil);
      boolean finished = runWorker(args, clock, Duration.ofMillis(Math.round(hours * secondsPerHour * 1000)),
          display, dir);
      DemoLedger.Snapshot books = DemoLedger.read(args.journal());
      Reconciliation account = customers == null
          ? Reconciliation.ofDimensions(books.recorded(), books.reports(), AcceptedByEndpoint.of(endpoint),
              appCounts(args))
          : Reconciliation.ofBuyers(books.recorded(), books.reports(), AcceptedByEndpoint.of(endpoint),
              appCounts(args), customers);
      return report(account, finished);
    }
  }

  /** "300 customers (240 by account+LicenseArn, ...), 23 of them not subscribed". */
  private static String describe(DemoBuyers customers) {
    Map<String, Long> byForm = customers.buyers().stream()
        .collect(Collectors.groupingBy(DemoBuyers::form, TreeMap::new, Collectors.counting()));
    return customers.buyers().size() + " customers (" + byForm.entrySet().stream()
        .map(e -> e.getValue() + " by " + e.getKey()).collect(Collectors.joining(", ")) + "), "
        + customers.notSubscribed().size() + " of them not subscribed";
  }

  private int runAgainstAws(Path dir) throws Exception {
    InstantSource clock = InstantSource.system();
    Instant start = clock.instant(); // moved to when the metering process is ready
    Instant recordUntil = start.plus(duration);
    out.println("Hourmeter demo against AWS Marketplace: product " + productCode + ", dimensions " + dimensions
        + ", region " + (region != null ? region : "from the default chain") + "; recording for " + duration
        + ", then the partial hour is reported at close");
    WorkerArgs args = new WorkerArgs(dir.resolve("journal"), dir.resolve("app-counters.bin"), productCode,
        dimensions, threads, true, endpointOverride, region, start, null, 1, recordUntil, Duration.ofMinutes(5),
        recordsPerSecond == null ? 10 : recordsPerSecond, null, null);
    ProgressDisplay display = new ProgressDisplay(out, !plain && System.console() != null, start, recordUntil);
    boolean finished = runWorker(args, clock, duration, display, dir);
    DemoLedger.Snapshot books = DemoLedger.read(args.journal());
    Reconciliation account = Reconciliation.ofDimensions(books.recorded(), books.reports(), null, appCounts(args));
    return report(account, finished);
  }

  /** Runs the metering process to its end, killing and restarting it on the way if asked. */
  private boolean runWorker(WorkerArgs args, InstantSource clock, Duration realRecording, ProgressDisplay display,
      Path dir) throws Exception {
    long deadline = System.nanoTime() + STARTUP_BUDGET.plus(realRecording).plus(args.drainTimeout()).plusSeconds(60)
        .toNanos();
    Path log = dir.resolve("metering-process.log");
    workerArgs = args;
    recordingFrom = null;
    Process process = startWorker(clock, display, log);
    long startBy = System.nanoTime() + STARTUP_BUDGET.toNanos();
    while (recordingFrom == null && process.isAlive() && System.nanoTime() < startBy) {
      display.render();
      Thread.sleep(50);
    }
    List<Instant> killAt = crashRestart && recordingFrom != null ? killTimes(recordingFrom, recordingUntil) : List.of();
    for (Instant at : killAt) {
      // Kill only once this process records, so that the kill always interrupts real work.
      while (process.isAlive() && (clock.instant().isBefore(at) || !display.recording())
          && clock.instant().isBefore(recordingUntil)) {
        display.render();
        Thread.sleep(50);
      }
      if (!process.isAlive() || !clock.instant().isBefore(recordingUntil)) {
        display.event("(the recording phase ended before the metering process could be killed again)");
        break;
      }
      process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no close()
      process.waitFor(30, TimeUnit.SECONDS);
      display.event("*** killed the metering process (pid " + process.pid() + ") with SIGKILL at simulated "
          + clock.instant().truncatedTo(ChronoUnit.SECONDS) + "; restarting it on the same journal");
      display.restarted();
      process = startWorker(clock, display, log);
      restarts++;
    }
    while (process.isAlive() && System.nanoTime() < deadline) {
      display.render();
      Thread.sleep(100);
    }
    display.renderFinal();
    display.finishLine();
    if (process.isAlive()) {
      process.destroyForcibly();
      out.println("The metering process did not finish in time; its log: " + log);
      return false;
    }
    if (process.exitValue() != 0) {
      out.println("The metering process exited with " + process.exitValue() + "; its log: " + log);
      printTail(log);
      return false;
    }
    return true;
  }

  private Process startWorker(InstantSource clock, ProgressDisplay display, Path log)
      throws IOException {
    WorkerArgs args = workerArgs;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.addAll(JvmFlags.chronicle());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DemoWorker.class.getName());
    command.addAll(args.toArgs());
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    forwardCredentialProperties(builder);
    Process process = builder.start();
    Thread reader = new Thread(() -> pump(process, display, clock), "metering-process-output");
    reader.setDaemon(true);
    reader.start();
    return process;
  }

  /**
   * The SDK reads credentials from the {@code aws.accessKeyId}, {@code aws.secretAccessKey} and
   * {@code aws.sessionToken} system properties too; given to the demo, they reach the metering process
   * through its environment (not its command line, which other users can read).
   */
  private static void forwardCredentialProperties(ProcessBuilder builder) {
    String[][] names = {
        {"aws.accessKeyId", "AWS_ACCESS_KEY_ID"},
        {"aws.secretAccessKey", "AWS_SECRET_ACCESS_KEY"},
        {"aws.sessionToken", "AWS_SESSION_TOKEN"}};
    for (String[] name : names) {
      String value = System.getProperty(name[0]);
      if (value != null) {
        builder.environment().put(name[1], value);
      }
    }
  }

  private void pump(Process process, ProgressDisplay display, InstantSource clock) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("ready uptime=")) {
          display.event("metering process (pid " + process.pid() + ") ready after "
              + Long.parseLong(line.substring("ready uptime=".length())) / 1000.0 + " s");
          startClock(process, clock, display);
        } else {
          display.update(line);
        }
      }
    } catch (IOException e) {
      // The process was killed; its output ends here.
    }
  }

  /**
   * At the first process's "ready": recording starts now. Locally the simulated clock starts here and in
   * that process; against AWS the recording window starts now, as long as asked.
   */
  private synchronized void startClock(Process process, InstantSource clock, ProgressDisplay display)
      throws IOException {
    if (recordingFrom != null) {
      return;
    }
    Instant realOrigin = InstantSource.system().instant();
    WorkerArgs args = workerArgs;
    if (clock instanceof StartableClock demoClock) {
      demoClock.start(realOrigin);
      recordingUntil = args.recordUntil();
      recordingFrom = args.simulatedOrigin();
    } else {
      recordingUntil = realOrigin.plus(Duration.between(args.simulatedOrigin(), args.recordUntil()));
      recordingFrom = realOrigin;
      display.window(realOrigin, recordingUntil);
    }
    workerArgs = args.withRealOrigin(realOrigin); // restarted processes join the running demo
    process.getOutputStream().write(("start " + realOrigin + "\n").getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
  }

  private List<Instant> killTimes(Instant start, Instant end) {
    Random random = seed != null ? new Random(seed) : new Random();
    long span = Duration.between(start, end).toMillis();
    List<Instant> times = new ArrayList<>();
    for (int i = 0; i < kills; i++) {
      times.add(start.plusMillis((long) (span * (0.25 + 0.4 * random.nextDouble()))));
    }
    times.sort(Comparator.naturalOrder());
    return times;
  }

  /** What the application threads saw, per usage key, from the counters file they left. */
  private static Map<UsageKey, Reconciliation.AppCount> appCounts(WorkerArgs args) throws IOException {
    Map<UsageKey, Reconciliation.AppCount> counts = new TreeMap<>();
    List<UsageKey> keys = args.keys();
    try (AppCounters counters = AppCounters.open(args.countersFile(), args.threads(), keys.size())) {
      for (int k = 0; k < keys.size(); k++) {
        counts.put(keys.get(k), new Reconciliation.AppCount(counters.acknowledged(k), counters.attempted(k)));
      }
    }
    return counts;
  }

  /** The account of the last run, for tests; {@code null} before one finished. */
  Reconciliation lastReconciliation() {
    return lastReconciliation;
  }

  /** How many times the last run killed and restarted its metering process. */
  int restarts() {
    return restarts;
  }

  private int report(Reconciliation account, boolean finished) {
    lastReconciliation = account;
    out.println();
    out.print(account.report());
    out.println();
    if (account.matches() && finished) {
      out.println(account.verdict());
      return 0;
    }
    out.println("NOT RECONCILED:");
    account.problems().forEach(p -> out.println("  - " + p));
    if (!finished) {
      out.println("  - the metering process did not finish cleanly");
    }
    return 1;
  }

  private void printTail(Path log) throws IOException {
    if (Files.exists(log)) {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(l -> out.println("  | " + l));
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
