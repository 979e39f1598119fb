package io.hourmeter.it.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Buyer;
import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import io.hourmeter.MeteringMode;
import io.hourmeter.Tags;
import io.hourmeter.aws.AwsUsageSubmitter;
import io.hourmeter.aws.AwsUsageSubmitterBuilder;
import io.hourmeter.internal.DefaultMeter;
import io.hourmeter.journal.ChronicleStorageProvider;
import io.hourmeter.local.AcceptedRecord;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.local.SaasCustomer;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Usage allocations end to end: tagged records on allocation handles, the real Chronicle journal and
 * file ledger, the drainer's freeze, and the real AWS SDK over HTTP to the local endpoint, which checks
 * the model's allocation rules; for MeterUsage (hourly) and BatchMeterUsage (SaaS). What the endpoint
 * stores must be one record per dimension-hour (per buyer in SaaS) whose allocations are the tag sets
 * recorded, sorted, with the untagged usage as the allocation without tags, summing to the quantity.
 */
class AllocationsEndToEndTest {
  private static final String PRODUCT = "prod-alloc-e2e";
  private static final Buyer ACME = Buyer.of("123456789012", "arn:aws:license-manager::123456789012:license/l-acme");

  @TempDir
  Path dir;

  private final MutableClock clock = MutableClock.atHour(Math.floorDiv(Instant.now().getEpochSecond(), 3600));

  @Test
  void meterUsageCarriesOneAllocationPerTagSet() {
    try (LocalMeteringEndpoint endpoint = LocalMeteringEndpoint.builder().product(PRODUCT, "users").clock(clock)
        .region("us-east-1").build().start();
         Meter meter = meter(endpoint, MeteringMode.HOURLY, AwsUsageSubmitter.builder())) {
      Dimension users = meter.dimension("users");
      users.allocation(Tags.of("team", "blue")).record(3);
      users.allocation(Tags.of("team", "red", "env", "prod")).record(4);
      users.record(5);
      users.allocation(Tags.of("team", "blue")).record(1);

      closeTheHour((DefaultMeter) meter);

      assertThat(endpoint.accepted()).singleElement().satisfies(r -> {
        assertThat(r.quantity()).isEqualTo(13);
        // Sorted by tag set (its keys and values in order: "env=prod,team=red" before "team=blue"), the
        // untagged usage first: the same order on every resend.
        assertThat(r.allocations()).containsExactly(new AcceptedRecord.Allocation(5, Map.of()),
            new AcceptedRecord.Allocation(4, Map.of("env", "prod", "team", "red")),
            new AcceptedRecord.Allocation(4, Map.of("team", "blue")));
      });
    }
  }

  @Test
  void batchMeterUsageCarriesEachBuyersTagSets() {
    try (LocalMeteringEndpoint endpoint = LocalMeteringEndpoint.builder().product(PRODUCT, "users").clock(clock)
        .region("us-east-1").subscriber(PRODUCT, SaasCustomer.license(ACME.awsAccountId(), ACME.licenseArn()))
        .build().start();
         Meter meter = meter(endpoint, MeteringMode.SAAS, AwsUsageSubmitter.builder().batchMeterUsage())) {
      Dimension users = meter.customer(ACME).dimension("users");
      users.allocation(Tags.of("team", "blue")).record(2);
      users.record(6);

      closeTheHour((DefaultMeter) meter);

      List<AcceptedRecord> accepted = endpoint.accepted();
      assertThat(accepted).singleElement().satisfies(r -> {
        assertThat(r.customer().licenseArn()).isEqualTo(ACME.licenseArn());
        assertThat(r.quantity()).isEqualTo(8);
        assertThat(r.allocations()).containsExactly(new AcceptedRecord.Allocation(6, Map.of()),
            new AcceptedRecord.Allocation(2, Map.of("team", "blue")));
      });
    }
  }

  private void closeTheHour(DefaultMeter meter) {
    drain(meter);
    clock.advance(Duration.ofMinutes(62));
    for (int i = 0; i < 5; i++) {
      drain(meter);
      clock.advance(Duration.ofSeconds(30));
    }
  }

  private static void drain(DefaultMeter meter) {
    for (int i = 0; i < 1_000 && meter.drainer().doWork() > 0; i++) {
      // until idle
    }
  }

  private Meter meter(LocalMeteringEndpoint endpoint, MeteringMode mode, AwsUsageSubmitterBuilder submitter) {
    return Meter.builder().productCode(PRODUCT).dimensions("users").mode(mode)
        .journalDirectory(dir.resolve(mode.name())).clock(clock).storage(new ChronicleStorageProvider())
        .submitter(submitter.endpointOverride(endpoint.uri()).region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDALLOC", "alloc")))
            .build())
        .sendJitter(Duration.ZERO).drainerThread(false).build();
  }
}
