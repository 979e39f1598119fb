package io.hourmeter.spring.boot;

import io.hourmeter.CarryPolicy;
import io.hourmeter.MeteringMode;
import io.hourmeter.ShutdownPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code hourmeter.*} properties: every option of {@code Meter.builder()} and
 * {@code AwsUsageSubmitter.builder()} (docs/configuration.md), plus RegisterUsage for container
 * products. An option left unset takes the builder's default; a wrong value fails startup naming the
 * property. Not thread-safe: Spring binds it once at startup.
 */
@ConfigurationProperties(prefix = "hourmeter")
public class HourmeterProperties {

  /** Whether to auto-configure a Meter at all. */
  private boolean enabled = true;

  /** The listing's product code, as AWS Marketplace issued it. Required. */
  private String productCode;

  /** The dimensions declared on the listing, exactly as named there (1 to 24). Required. */
  private List<String> dimensions = new ArrayList<>();

  /** HOURLY (EC2/AMI, ECS, EKS), AGENTCORE (Bedrock AgentCore Runtime) or SAAS (BatchMeterUsage). Default HOURLY. */
  private MeteringMode mode;

  /** The journal directory, on persistent local disk; one per installation. Required. */
  private Path journalDirectory;

  /** The AWS region whose Metering endpoint is called; default the SDK's region chain (the instance's own). */
  private String region;

  /** A VPC interface endpoint, a FIPS endpoint, or a local endpoint in tests; default the regional endpoint. */
  private URI endpointOverride;

  /** How long after an hour ends it is frozen (0 to 30 minutes). Default 1 minute. */
  private Duration hourGrace;

  /** The most random delay before a report's first send (0 to 10 minutes). Default 30 seconds (0 in SAAS mode). */
  private Duration sendJitter;

  /** How long before an hour leaves AWS's window its unsent usage is carried instead of retried (1 minute to 4 hours). Default 30 minutes. */
  private Duration deadlineMargin;

  /** How long before AWS's window closes an outcome-unknown report stops being resent (1 minute to 1 hour). Default 5 minutes. */
  private Duration clockSkewMargin;

  /** CARRY_FORWARD (into the next unfrozen hour) or DEAD_LETTER. Default CARRY_FORWARD. */
  private CarryPolicy carryPolicy;

  /** What closing the meter (at application shutdown) does with the hour in progress: LEAVE_OPEN_HOUR or REPORT_PARTIAL_HOUR. Default LEAVE_OPEN_HOUR. */
  private ShutdownPolicy shutdownPolicy;

  /** How long an hour's cycle file is kept once every report from it is final (0 to 366 days). Default 24 hours. */
  private Duration retention;

  /** How long closing waits for an in-flight send (0 to 5 minutes). Default 10 seconds. */
  private Duration closeTimeout;

  /** How often the drainer catches up with the journal (MeterBuilder.drainInterval); default 500 ms. */
  private Duration drainInterval;

  /** AGENTCORE mode: cut a submission at least this often (1 ms to 1 hour). Default 5 seconds. */
  private Duration agentCoreCutInterval;

  /** AGENTCORE mode: cut a submission once a dimension has this many units pending. Default 10000. */
  private Long agentCoreCutUnits;

  /** Below this much usable disk space record() refuses units instead of filling the disk. Default 64MB. */
  private DataSize minFreeDiskBytes;

  /** Send a DryRun MeterUsage at start to check the IAM permission. Default false. */
  private Boolean checkPermissionAtStart;

  /** How long after a report's Timestamp AWS accepts it (1 to 24 hours). Default 6 hours (24 in SAAS mode). */
  private Duration usageWindow;

  /** SAAS mode: how many Customer handles the meter caches. Default 10000. */
  private Long maxCachedCustomers;

  /** The AWS submitter's options. */
  private final Aws aws = new Aws();

  /** RegisterUsage for paid container products (ECS, EKS, Fargate). */
  private final Container container = new Container();

  /** The Micrometer binder's options. */
  private final Metrics metrics = new Metrics();

  /** {@code hourmeter.aws.*}: the options of {@code AwsUsageSubmitter.builder()}. */
  public static class Aws {
    /** TCP connect timeout. Default 2 seconds. */
    private Duration connectTimeout;
    /** Socket read timeout. Default 10 seconds. */
    private Duration readTimeout;
    /** The whole MeterUsage call, signing and credentials included. Default 15 seconds. */
    private Duration apiCallTimeout;
    /** Name of the circuit breaker and rate limiter in logs. Default hourmeter-meter-usage. */
    private String name;
    /** Share of retryable failures (percent, above 0 up to 100) at which the circuit opens. Default 50. */
    private Float failureRateThreshold;
    /** How many latest calls the circuit breaker weighs. Default 20. */
    private Integer slidingWindowSize;
    /** Calls needed before the failure rate counts. Default 10. */
    private Integer minimumNumberOfCalls;
    /** How long the circuit stays open before trial calls. Default 30 seconds. */
    private Duration waitDurationInOpenState;
    /** Trial calls a half-open circuit lets through. Default 2. */
    private Integer permittedCallsInHalfOpenState;
    /** At most this many sends per rate-limit-period. Default 5 (with rate-limit-period 1 second). */
    private Integer rateLimitPermits;
    /** The period of rate-limit-permits. Default 1 second. */
    private Duration rateLimitPeriod;
    /** Wait after the first retryable failure. Default 1 second (backoff-* are set together or not at all). */
    private Duration backoffInitial;
    /** Factor per further consecutive failure (1 or more). Default 2. */
    private Double backoffMultiplier;
    /** Randomization of each wait, in [0, 1). Default 0.5. */
    private Double backoffJitter;
    /** The longest wait. Default 5 minutes. */
    private Duration backoffMax;

    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration value) { connectTimeout = value; }
    public Duration getReadTimeout() { return readTimeout; }
    public void setReadTimeout(Duration value) { readTimeout = value; }
    public Duration getApiCallTimeout() { return apiCallTimeout; }
    public void setApiCallTimeout(Duration value) { apiCallTimeout = value; }
    public String getName() { return name; }
    public void setName(String value) { name = value; }
    public Float getFailureRateThreshold() { return failureRateThreshold; }
    public void setFailureRateThreshold(Float value) { failureRateThreshold = value; }
    public Integer getSlidingWindowSize() { return slidingWindowSize; }
    public void setSlidingWindowSize(Integer value) { slidingWindowSize = value; }
    public Integer getMinimumNumberOfCalls() { return minimumNumberOfCalls; }
    public void setMinimumNumberOfCalls(Integer value) { minimumNumberOfCalls = value; }
    public Duration getWaitDurationInOpenState() { return waitDurationInOpenState; }
    public void setWaitDurationInOpenState(Duration value) { waitDurationInOpenState = value; }
    public Integer getPermittedCallsInHalfOpenState() { return permittedCallsInHalfOpenState; }
    public void setPermittedCallsInHalfOpenState(Integer value) { permittedCallsInHalfOpenState = value; }
    public Integer getRateLimitPermits() { return rateLimitPermits; }
    public void setRateLimitPermits(Integer value) { rateLimitPermits = value; }
    public Duration getRateLimitPeriod() { return rateLimitPeriod; }
    public void setRateLimitPeriod(Duration value) { rateLimitPeriod = value; }
    public Duration getBackoffInitial() { return backoffInitial; }
    public void setBackoffInitial(Duration value) { backoffInitial = value; }
    public Double getBackoffMultiplier() { return backoffMultiplier; }
    public void setBackoffMultiplier(Double value) { backoffMultiplier = value; }
    public Double getBackoffJitter() { return backoffJitter; }
    public void setBackoffJitter(Double value) { backoffJitter = value; }
    public Duration getBackoffMax() { return backoffMax; }
    public void setBackoffMax(Duration value) { backoffMax = value; }
  }

  /** {@code hourmeter.container.*}: RegisterUsage at startup, through {@code ContainerRegistration}. */
  public static class Container {
    /** Call RegisterUsage (and verify its Signature) at startup; startup fails when it fails. Default false. */
    private boolean registerUsage;
    /** The PublicKeyVersion AWS Marketplace gave with its public key. Required with register-usage. */
    private Integer publicKeyVersion;
    /** That version's AWS Marketplace public key, PEM (-----BEGIN PUBLIC KEY-----). Required with register-usage. */
    private String publicKey;
    /** How long throttling, 5xx and network failures of RegisterUsage are retried. Default 1 minute. */
    private Duration retryFor;

    public boolean isRegisterUsage() { return registerUsage; }
    public void setRegisterUsage(boolean value) { registerUsage = value; }
    public Integer getPublicKeyVersion() { return publicKeyVersion; }
    public void setPublicKeyVersion(Integer value) { publicKeyVersion = value; }
    public String getPublicKey() { return publicKey; }
    public void setPublicKey(String value) { publicKey = value; }
    public Duration getRetryFor() { return retryFor; }
    public void setRetryFor(Duration value) { retryFor = value; }
  }

  /** {@code hourmeter.metrics.*}: the Micrometer binder. */
  public static class Metrics {
    /** Opt-in: SaaS buyer keys that get a hourmeter.customer.quarantined gauge with a customer tag (each is a time series). */
    private List<String> customerTags = new ArrayList<>();

    public List<String> getCustomerTags() { return customerTags; }
    public void setCustomerTags(List<String> value) { customerTags = value; }
  }

  public boolean isEnabled() { return enabled; }
  public void setEnabled(boolean value) { enabled = value; }
  public String getProductCode() { return productCode; }
  public void setProductCode(String value) { productCode = value; }
  public List<String> getDimensions() { return dimensions; }
  public void setDimensions(List<String> value) { dimensions = value; }
  public MeteringMode getMode() { return mode; }
  public void setMode(MeteringMode value) { mode = value; }
  public Path getJournalDirectory() { return journalDirectory; }
  public void setJournalDirectory(Path value) { journalDirectory = value; }
  public String getRegion() { return region; }
  public void setRegion(String value) { region = value; }
  public URI getEndpointOverride() { return endpointOverride; }
  public void setEndpointOverride(URI value) { endpointOverride = value; }
  public Duration getHourGrace() { return hourGrace; }
  public void setHourGrace(Duration value) { hourGrace = value; }
  public Duration getSendJitter() { return sendJitter; }
  public void setSendJitter(Duration value) { sendJitter = value; }
  public Duration getDeadlineMargin() { return deadlineMargin; }
  public void setDeadlineMargin(Duration value) { deadlineMargin = value; }
  public Duration getClockSkewMargin() { return clockSkewMargin; }
  public void setClockSkewMargin(Duration value) { clockSkewMargin = value; }
  public CarryPolicy getCarryPolicy() { return carryPolicy; }
  public void setCarryPolicy(CarryPolicy value) { carryPolicy = value; }
  public ShutdownPolicy getShutdownPolicy() { return shutdownPolicy; }
  public void setShutdownPolicy(ShutdownPolicy value) { shutdownPolicy = value; }
  public Duration getRetention() { return retention; }
  public void setRetention(Duration value) { retention = value; }
  public Duration getCloseTimeout() { return closeTimeout; }
  public void setCloseTimeout(Duration value) { closeTimeout = value; }
  public Duration getDrainInterval() { return drainInterval; }
  public void setDrainInterval(Duration value) { drainInterval = value; }
  public Duration getAgentCoreCutInterval() { return agentCoreCutInterval; }
  public void setAgentCoreCutInterval(Duration value) { agentCoreCutInterval = value; }
  public Long getAgentCoreCutUnits() { return agentCoreCutUnits; }
  public void setAgentCoreCutUnits(Long value) { agentCoreCutUnits = value; }
  public DataSize getMinFreeDiskBytes() { return minFreeDiskBytes; }
  public void setMinFreeDiskBytes(DataSize value) { minFreeDiskBytes = value; }
  public Boolean getCheckPermissionAtStart() { return checkPermissionAtStart; }
  public void setCheckPermissionAtStart(Boolean value) { checkPermissionAtStart = value; }
  public Duration getUsageWindow() { return usageWindow; }
  public void setUsageWindow(Duration value) { usageWindow = value; }
  public Long getMaxCachedCustomers() { return maxCachedCustomers; }
  public void setMaxCachedCustomers(Long value) { maxCachedCustomers = value; }
  public Aws getAws() { return aws; }
  public Container getContainer() { return container; }
  public Metrics getMetrics() { return metrics; }
}
