package io.hourmeter.samples.signup;

import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeteringMode;
import io.hourmeter.aws.AwsUsageSubmitter;
import io.hourmeter.aws.CustomerResolver;
import io.hourmeter.local.AcceptedRecord;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.local.SaasCustomer;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The fulfillment page as a seller runs it, on loopback: a local Metering endpoint that knows a
 * licensed buyer's registration token, an expired token, and a token of another product; a real SAAS
 * meter (Chronicle journal in {@code directory}, drainer thread, BatchMeterUsage submitter over the SDK)
 * and a {@link CustomerResolver}, both against that endpoint; all on a clock the test moves, so the
 * buyer's first hour can be closed and its report seen accepted.
 */
final class SignupFixture implements AutoCloseable {
  static final String PRODUCT = "prod-signup-sample";
  static final String DIMENSION = "accounts";
  static final String TOKEN = "tok-registered-buyer";
  static final String EXPIRED_TOKEN = "tok-expired";
  static final String OTHER_PRODUCT_TOKEN = "tok-other-product";
  static final String ACCOUNT = "111122223333";
  static final String LICENSE = "arn:aws:license-manager::111122223333:license:l-0123456789abcdef0";
  /** 2026-11-23T10:00Z, well inside a month. */
  static final long HOUR = 498_730;

  final MutableClock clock = MutableClock.atHour(HOUR).advance(Duration.ofMinutes(5));
  final LocalMeteringEndpoint endpoint;
  final CustomerResolver resolver;
  final Meter meter;
  final FulfillmentPage page;

  SignupFixture(Path directory) {
    endpoint = LocalMeteringEndpoint.builder()
        .product(PRODUCT, DIMENSION)
        .product("prod-another", DIMENSION)
        .registration(TOKEN, PRODUCT, SaasCustomer.license(ACCOUNT, LICENSE))
        .registration(OTHER_PRODUCT_TOKEN, "prod-another", SaasCustomer.account("444455556666"))
        .expiredRegistrationToken(EXPIRED_TOKEN)
        .clock(clock)
        .build()
        .start();
    StaticCredentialsProvider seller = StaticCredentialsProvider.create(
        AwsBasicCredentials.create("AKIDSELLER", "seller-secret"));
    resolver = CustomerResolver.builder().productCode(PRODUCT).region(Region.US_EAST_1)
        .credentialsProvider(seller).endpointOverride(endpoint.uri()).build();
    meter = Meter.builder()
        .productCode(PRODUCT)
        .dimensions(DIMENSION)
        .mode(MeteringMode.SAAS)
        .journalDirectory(directory)
        .submitter(AwsUsageSubmitter.builder().batchMeterUsage().region(Region.US_EAST_1)
            .credentialsProvider(seller).endpointOverride(endpoint.uri()).build())
        .clock(clock)
        .hourGrace(Duration.ofMinutes(1))
        .build();
    page = new FulfillmentPage(resolver, meter, DIMENSION).start(0);
  }

  /** Closes the buyer's first hour and waits until the drainer has sent it and AWS's side accepted it. */
  List<AcceptedRecord> reconcileFirstHour() throws InterruptedException {
    clock.advance(Duration.ofHours(1));
    await(status -> status.acceptedReports() >= 1, "the first hour's report accepted");
    return endpoint.accepted();
  }

  /** The start of the hour the fixture's clock started in: the buyer's first usage hour. */
  static Instant firstHour() {
    return Instant.ofEpochSecond(HOUR * 3600);
  }

  private void await(Predicate<MeterStatus> condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    MeterStatus status = meter.status();
    while (!condition.test(status)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the drainer did not reach: " + what + "; status " + status);
      }
      Thread.sleep(20);
      status = meter.status();
    }
  }

  @Override
  public void close() {
    page.close();
    meter.close();
    resolver.close();
    endpoint.close();
  }
}
