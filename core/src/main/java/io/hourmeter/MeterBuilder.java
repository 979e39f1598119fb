package io.hourmeter;

import io.hourmeter.internal.DefaultMeter;
import io.hourmeter.internal.MeterSettings;
import io.hourmeter.internal.drain.ReportWindow;
import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.StorageProvider;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.spi.UsageSubmitter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Configures and builds a {@link Meter}. Every option is checked here, and a wrong one fails
 * {@link #build()} (or the setter) with a message that names it; setting an option twice is refused.
 * After {@code build()} nothing throws into the host application for infrastructure trouble.
 *
 * <p>Not thread-safe: configure and build on one thread.
 */
public final class MeterBuilder {

  /** A product has at most this many dimensions. */
  public static final int MAX_DIMENSIONS = 24;

  static final Duration DEFAULT_HOUR_GRACE = Duration.ofMinutes(1);
  static final Duration DEFAULT_SEND_JITTER = Duration.ofSeconds(30);
  static final Duration DEFAULT_DEADLINE_MARGIN = ReportWindow.DEFAULT_DEADLINE_MARGIN;
  static final Duration DEFAULT_CLOCK_SKEW_MARGIN = ReportWindow.DEFAULT_CLOCK_SKEW_MARGIN;
  static final long DEFAULT_MAX_CACHED_CUSTOMERS = 10_000;
  static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
  static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_AGENTCORE_CUT_INTERVAL = Duration.ofSeconds(5);
  static final long DEFAULT_AGENTCORE_CUT_UNITS = 10_000;
  static final long DEFAULT_MIN_FREE_DISK_BYTES = 64L * 1024 * 1024;
  /**
   * See {@link #drainInterval}: the middle of the 250 ms-1 s range the issue measured against (the
   * benchmarks' drainer-on and drainer-off runs); long enough that reading is a burst of a few
   * milliseconds twice a second, short enough that status lags by under a second.
   */
  static final Duration DEFAULT_DRAIN_INTERVAL = Duration.ofMillis(500);
  static final Duration MAX_DRAIN_INTERVAL = Duration.ofMinutes(1);

  private String productCode;
  private List<String> dimensions;
  private Path journalDirectory;
  private UsageSubmitter submitter;
  private MeteringMode mode;
  private InstantSource clock;
  private Duration hourGrace;
  private Duration sendJitter;
  private Duration deadlineMargin;
  private Duration clockSkewMargin;
  private CarryPolicy carryPolicy;
  private ShutdownPolicy shutdownPolicy;
  private Duration retention;
  private Duration closeTimeout;
  private Duration agentCoreCutInterval;
  private Long agentCoreCutUnits;
  private Long minFreeDiskBytes;
  private FreeSpaceProbe freeSpaceProbe;
  private ErrorHandler errorHandler;
  private StatusListener statusListener;
  private StorageProvider storage;
  private Boolean checkPermissionAtStart;
  private Boolean drainerThread;
  private Duration usageWindow;
  private Long maxCachedCustomers;
  private Duration drainInterval;

  MeterBuilder() { }

  /** The product code of the listing, as AWS Marketplace issued it. Required. */
  public MeterBuilder productCode(String productCode) {
    requireUnset(this.productCode, "productCode");
    Objects.requireNonNull(productCode, "productCode");
    if (!UsageReport.isValidProductCode(productCode)) {
      throw new IllegalArgumentException("productCode must be 1..255 characters of "
          + UsageReport.PRODUCT_CODE.pattern() + " but was '" + productCode + "'");
    }
    this.productCode = productCode;
    return this;
  }

  /** The product's declared dimensions, 1 to 24, exactly as listed on AWS Marketplace. Required. */
  public MeterBuilder dimensions(String... names) {
    requireUnset(this.dimensions, "dimensions");
    Objects.requireNonNull(names, "dimensions");
    if (names.length == 0 || names.length > MAX_DIMENSIONS) {
      throw new IllegalArgumentException("dimensions must name 1.." + MAX_DIMENSIONS
          + " dimensions but named " + names.length);
    }
    Set<String> seen = new HashSet<>();
    List<String> checked = new ArrayList<>(names.length);
    for (String name : names) {
      checkDimensionName(name);
      if (!seen.add(name)) {
        throw new IllegalArgumentException("dimensions names '" + name + "' twice");
      }
      checked.add(name);
    }
    this.dimensions = List.copyOf(checked);
    return this;
  }

  /**
   * Where the journal and ledger live; created with owner-only permissions if absent. Required. At
   * most one open meter of a JVM may use a directory: {@link #build()} refuses a second.
   */
  public MeterBuilder journalDirectory(Path directory) {
    requireUnset(this.journalDirectory, "journalDirectory");
    this.journalDirectory = Objects.requireNonNull(directory, "journalDirectory").toAbsolutePath();
    return this;
  }

  /** Sends reports: {@code AwsUsageSubmitter} in production, a local or in-memory one in tests. Required. */
  public MeterBuilder submitter(UsageSubmitter submitter) {
    requireUnset(this.submitter, "submitter");
    this.submitter = Objects.requireNonNull(submitter, "submitter");
    return this;
  }

  /**
   * {@link MeteringMode#HOURLY} (the default), {@link MeteringMode#AGENTCORE}, or
   * {@link MeteringMode#SAAS} (usage per buyer on {@link Meter#customer} handles, sent with a
   * BatchMeterUsage submitter: {@code AwsUsageSubmitter.builder().batchMeterUsage()}).
   */
  public MeterBuilder mode(MeteringMode mode) {
    requireUnset(this.mode, "mode");
    this.mode = Objects.requireNonNull(mode, "mode");
    return this;
  }

  /**
   * The wall clock that decides each record's hour, and the drainer's deadlines and backoff. Defaults to
   * the system clock. {@link #build()} hands it to the submitter
   * ({@link UsageSubmitter#useMeterClock}), so a submitter needs no clock of its own; one given another
   * clock fails the build.
   */
  public MeterBuilder clock(InstantSource clock) {
    requireUnset(this.clock, "clock");
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** How long after an hour ends it is frozen, so that in-flight appends land. Default 1 minute; at most 30. */
  public MeterBuilder hourGrace(Duration grace) {
    requireUnset(this.hourGrace, "hourGrace");
    this.hourGrace = checkRange("hourGrace", grace, Duration.ZERO, Duration.ofMinutes(30));
    return this;
  }

  /**
   * The most random delay added to a first send, to spread a fleet over AWS's shared quota. Default 30 s;
   * in SAAS mode 0, since one meter sends for the product and its rate limiter already paces the calls.
   */
  public MeterBuilder sendJitter(Duration jitter) {
    requireUnset(this.sendJitter, "sendJitter");
    this.sendJitter = checkRange("sendJitter", jitter, Duration.ZERO, Duration.ofMinutes(10));
    return this;
  }

  /**
   * How long before an hour leaves AWS's six-hour window its unsent usage is carried (or dead-lettered)
   * instead of retried. Default 30 minutes; 1 minute to 4 hours, so that with the longest hourGrace at
   * least 1.5 hours of the window are left to send in.
   */
  public MeterBuilder deadlineMargin(Duration margin) {
    requireUnset(this.deadlineMargin, "deadlineMargin");
    this.deadlineMargin = checkRange("deadlineMargin", margin, Duration.ofMinutes(1), Duration.ofHours(4));
    return this;
  }

  /**
   * How long before AWS's six-hour window closes a report whose send outcome is unknown (a timeout, a
   * dropped connection, a crash mid-send) stops being resent and is dead-lettered as OUTCOME_UNKNOWN.
   * Such a report may already be recorded, so it is never carried; an identical resend is safe until
   * the window closes, and this margin covers the host's clock being behind AWS's. Separate from
   * {@link #deadlineMargin}, which decides reports that were never outcome-unknown. Default 5 minutes;
   * 1 minute to 1 hour.
   */
  public MeterBuilder clockSkewMargin(Duration margin) {
    requireUnset(this.clockSkewMargin, "clockSkewMargin");
    this.clockSkewMargin = checkRange("clockSkewMargin", margin, Duration.ofMinutes(1), Duration.ofHours(1));
    return this;
  }

  /** What happens to usage that cannot be reported in its own hour. Default {@link CarryPolicy#CARRY_FORWARD}. */
  public MeterBuilder carryPolicy(CarryPolicy policy) {
    requireUnset(this.carryPolicy, "carryPolicy");
    this.carryPolicy = Objects.requireNonNull(policy, "carryPolicy");
    return this;
  }

  /** What {@link Meter#close()} does with the open hour. Default {@link ShutdownPolicy#LEAVE_OPEN_HOUR}. */
  public MeterBuilder shutdownPolicy(ShutdownPolicy policy) {
    requireUnset(this.shutdownPolicy, "shutdownPolicy");
    this.shutdownPolicy = Objects.requireNonNull(policy, "shutdownPolicy");
    return this;
  }

  /** How long a cycle file is kept after every report drawn from it is final. Default 24 hours. */
  public MeterBuilder retention(Duration keep) {
    requireUnset(this.retention, "retention");
    this.retention = checkRange("retention", keep, Duration.ZERO, Duration.ofDays(366));
    return this;
  }

  /** How long {@link Meter#close()} waits for an in-flight send. Default 10 seconds. */
  public MeterBuilder closeTimeout(Duration timeout) {
    requireUnset(this.closeTimeout, "closeTimeout");
    this.closeTimeout = checkRange("closeTimeout", timeout, Duration.ZERO, Duration.ofMinutes(5));
    return this;
  }

  /** AgentCore mode: cut a submission at least this often. Default 5 seconds. */
  public MeterBuilder agentCoreCutInterval(Duration interval) {
    requireUnset(this.agentCoreCutInterval, "agentCoreCutInterval");
    this.agentCoreCutInterval = checkRange("agentCoreCutInterval", interval, Duration.ofMillis(1),
        Duration.ofHours(1));
    return this;
  }

  /** AgentCore mode: cut a submission once a dimension has this many units pending. Default 10,000. */
  public MeterBuilder agentCoreCutUnits(long units) {
    requireUnset(this.agentCoreCutUnits, "agentCoreCutUnits");
    if (units < 1 || units > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("agentCoreCutUnits must be within 1.." + Integer.MAX_VALUE
          + " but was " + units);
    }
    this.agentCoreCutUnits = units;
    return this;
  }

  /** Below this many usable bytes on the journal's file system, record() refuses units. Default 64 MiB. */
  public MeterBuilder minFreeDiskBytes(long bytes) {
    requireUnset(this.minFreeDiskBytes, "minFreeDiskBytes");
    if (bytes < 0) {
      throw new IllegalArgumentException("minFreeDiskBytes must be >= 0 but was " + bytes);
    }
    this.minFreeDiskBytes = bytes;
    return this;
  }

  /** How free space is measured. Defaults to the file system's figure; tests inject their own. */
  public MeterBuilder freeSpaceProbe(FreeSpaceProbe probe) {
    requireUnset(this.freeSpaceProbe, "freeSpaceProbe");
    this.freeSpaceProbe = Objects.requireNonNull(probe, "freeSpaceProbe");
    return this;
  }

  /** Receives failures and alerts, on Hourmeter's background thread. Defaults to logging only. */
  public MeterBuilder errorHandler(ErrorHandler handler) {
    requireUnset(this.errorHandler, "errorHandler");
    this.errorHandler = Objects.requireNonNull(handler, "errorHandler");
    return this;
  }

  /** Told of each changed status, on Hourmeter's background thread. */
  public MeterBuilder statusListener(StatusListener listener) {
    requireUnset(this.statusListener, "statusListener");
    this.statusListener = Objects.requireNonNull(listener, "statusListener");
    return this;
  }

  /** The journal and ledger implementation. Defaults to the one found with {@link ServiceLoader}. */
  public MeterBuilder storage(StorageProvider provider) {
    requireUnset(this.storage, "storage");
    this.storage = Objects.requireNonNull(provider, "storage");
    return this;
  }

  /** Whether to check the MeterUsage permission with a DryRun call at start. Default false. */
  public MeterBuilder checkPermissionAtStart(boolean check) {
    requireUnset(this.checkPermissionAtStart, "checkPermissionAtStart");
    this.checkPermissionAtStart = check;
    return this;
  }

  /**
   * Whether a background thread drives the drainer (the default). Turn it off only to drive the
   * drainer by hand, as tests do.
   */
  public MeterBuilder drainerThread(boolean start) {
    requireUnset(this.drainerThread, "drainerThread");
    this.drainerThread = start;
    return this;
  }

  /**
   * How often the drainer reads what the journal gained (default 500 ms; 0 to 1 minute). It reads in
   * bounded steps until it reaches the end, then leaves the journal alone for this long, so it does not
   * compete with the recording threads for CPU and cache lines while sums are needed only by the end
   * of the hour. It reads at once, whatever this says, when an hour closes (its end plus
   * {@link #hourGrace}), at {@link Meter#close()}, and when {@link Meter#status()} is asked. Nothing
   * else changes: hours freeze at the same points, only after a read past them. 0 reads at every
   * step, as a drainer driven by hand ({@code drainerThread(false)}) does unless this is set.
   */
  public MeterBuilder drainInterval(Duration interval) {
    requireUnset(this.drainInterval, "drainInterval");
    this.drainInterval = checkRange("drainInterval", interval, Duration.ZERO, MAX_DRAIN_INTERVAL);
    return this;
  }

  /**
   * How long after a report's Timestamp AWS accepts it: the service model's value for the mode by
   * default (MeterUsage 6 hours; BatchMeterUsage 24 hours, and for the previous month's usage only until
   * 06:00 UTC on the 1st whatever this says). Set it only if AWS changes the window before this
   * library does; carry and dead-letter deadlines are taken inside it. 1 hour to 24 hours.
   */
  public MeterBuilder usageWindow(Duration window) {
    requireUnset(this.usageWindow, "usageWindow");
    this.usageWindow = checkRange("usageWindow", window, Duration.ofHours(1), Duration.ofHours(24));
    return this;
  }

  /**
   * SaaS mode: how many {@link Customer} handles the meter keeps cached (default 10,000). A handle
   * costs a few hundred bytes; one evicted is made again, transparently, from the customer id that the
   * journal directory keeps for the buyer.
   */
  public MeterBuilder maxCachedCustomers(long handles) {
    requireUnset(this.maxCachedCustomers, "maxCachedCustomers");
    if (handles < 1) {
      throw new IllegalArgumentException("maxCachedCustomers must be >= 1 but was " + handles);
    }
    this.maxCachedCustomers = handles;
    return this;
  }

  /**
   * Checks the options, opens the journal and ledger, and starts the drainer.
   *
   * @throws IllegalStateException if a required option is missing, the JVM lacks the flags the
   *                               journal needs (the message lists them), or no storage is on the
   *                               class path
   * @throws HourmeterException    of kind STORAGE naming {@code journalDirectory} and the path, if the
   *                               journal directory cannot be created, read or written; if another
   *                               {@link Meter} of this JVM that is not closed uses it (one meter per
   *                               directory per JVM: share that one; see docs/configuration.md for why,
   *                               and for what "this JVM" means under several class loaders); or if the
   *                               submitter was given a clock other than {@link #clock}'s; or of
   *                               kind CONFIGURATION if the submitter does not fit the mode (SAAS
   *                               needs BatchMeterUsage, the others MeterUsage)
   */
  public Meter build() {
    requireSet(productCode, "productCode");
    requireSet(dimensions, "dimensions");
    requireSet(journalDirectory, "journalDirectory");
    requireSet(submitter, "submitter");
    checkSubmitterFitsMode(orDefault(mode, MeteringMode.HOURLY));
    InstantSource meterClock = orDefault(clock, InstantSource.system());
    handClockToSubmitter(meterClock);
    Duration grace = orDefault(hourGrace, DEFAULT_HOUR_GRACE);
    Duration margin = orDefault(deadlineMargin, DEFAULT_DEADLINE_MARGIN);
    MeterSettings settings = new MeterSettings(
        productCode,
        dimensions,
        journalDirectory,
        submitter,
        orDefault(mode, MeteringMode.HOURLY),
        meterClock,
        grace,
        orDefault(sendJitter, orDefault(mode, MeteringMode.HOURLY) == MeteringMode.SAAS ? Duration.ZERO
            : DEFAULT_SEND_JITTER),
        margin,
        orDefault(clockSkewMargin, DEFAULT_CLOCK_SKEW_MARGIN),
        orDefault(carryPolicy, CarryPolicy.CARRY_FORWARD),
        orDefault(shutdownPolicy, ShutdownPolicy.LEAVE_OPEN_HOUR),
        orDefault(retention, DEFAULT_RETENTION),
        orDefault(closeTimeout, DEFAULT_CLOSE_TIMEOUT),
        orDefault(agentCoreCutInterval, DEFAULT_AGENTCORE_CUT_INTERVAL),
        orDefault(agentCoreCutUnits, DEFAULT_AGENTCORE_CUT_UNITS),
        orDefault(minFreeDiskBytes, DEFAULT_MIN_FREE_DISK_BYTES),
        orDefault(freeSpaceProbe, FreeSpaceProbe.fileSystem()),
        orDefault(errorHandler, ErrorHandler.logOnly()),
        statusListener,
        storage != null ? storage : loadStorage(),
        orDefault(checkPermissionAtStart, Boolean.FALSE),
        orDefault(drainerThread, Boolean.TRUE),
        orDefault(usageWindow, ReportWindow.length(orDefault(mode, MeteringMode.HOURLY))),
        orDefault(maxCachedCustomers, DEFAULT_MAX_CACHED_CUSTOMERS),
        orDefault(drainInterval, orDefault(drainerThread, Boolean.TRUE) ? DEFAULT_DRAIN_INTERVAL : Duration.ZERO));
    try {
      return DefaultMeter.start(settings);
    } catch (UncheckedIOException e) {
      throw new HourmeterException(HourmeterException.Kind.STORAGE, "journalDirectory " + journalDirectory
          + " cannot be used: " + e.getMessage(), e);
    }
  }

  /**
   * A SaaS meter's reports name buyers, which only BatchMeterUsage carries: sent with MeterUsage they
   * would bill the seller's own account, or nobody. So SAAS needs a submitter that sends several reports
   * a call, and the MeterUsage modes one that sends one.
   */
  private void checkSubmitterFitsMode(MeteringMode chosen) {
    int perCall = submitter.maxReportsPerCall();
    if (chosen == MeteringMode.SAAS && perCall <= 1) {
      throw new HourmeterException(HourmeterException.Kind.CONFIGURATION, "submitter: mode SAAS reports per buyer "
          + "with BatchMeterUsage, but " + submitter + " sends one report a call (MeterUsage); use "
          + "AwsUsageSubmitter.builder().batchMeterUsage()");
    }
    if (chosen != MeteringMode.SAAS && perCall > 1) {
      throw new HourmeterException(HourmeterException.Kind.CONFIGURATION, "submitter: mode " + chosen
          + " reports with MeterUsage, but " + submitter + " sends BatchMeterUsage calls (" + perCall
          + " reports a call), which are for mode SAAS");
    }
  }

  /** One clock for the drainer and the submitter: see {@link UsageSubmitter#useMeterClock}. */
  private void handClockToSubmitter(InstantSource meterClock) {
    try {
      submitter.useMeterClock(meterClock);
    } catch (IllegalStateException e) {
      throw new HourmeterException(HourmeterException.Kind.CONFIGURATION, "clock: MeterBuilder.clock ("
          + (clock != null ? clock : "not set, so the system clock") + ") and the submitter's clock differ: "
          + e.getMessage() + ". The drainer and the submitter's circuit breaker must run on one clock: set it "
          + "on the meter only (it hands it to the submitter), or pass the same clock to both", e);
    }
  }

  static void checkDimensionName(String name) {
    Objects.requireNonNull(name, "dimension name");
    if (name.isEmpty() || name.length() > 255) {
      throw new IllegalArgumentException("dimension name must be 1..255 characters but was '" + name + "'");
    }
    if (name.isBlank() || !name.strip().equals(name)) {
      throw new IllegalArgumentException("dimension name must not be blank or start or end with white "
          + "space: '" + name + "'");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new IllegalArgumentException("dimension name must not hold control characters: '"
            + name.replaceAll("\\p{Cntrl}", "?") + "'");
      }
    }
  }

  private static StorageProvider loadStorage() {
    return ServiceLoader.load(StorageProvider.class, MeterBuilder.class.getClassLoader())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("storage: no io.hourmeter.spi.StorageProvider on "
            + "the class path; add the io.hourmeter:hourmeter-journal dependency (hourmeter-aws brings it)"));
  }

  private static Duration checkRange(String option, Duration value, Duration min, Duration max) {
    Objects.requireNonNull(value, option);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(option + " must be within " + min + ".." + max + " but was " + value);
    }
    return value;
  }

  private static void requireUnset(Object current, String option) {
    if (current != null) {
      throw new IllegalStateException(option + " was already set to " + current);
    }
  }

  private static void requireSet(Object value, String option) {
    if (value == null) {
      throw new IllegalStateException(option + " is required but was not set");
    }
  }

  private static <T> T orDefault(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
