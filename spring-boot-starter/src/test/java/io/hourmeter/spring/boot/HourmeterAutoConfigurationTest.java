package io.hourmeter.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.aws.AwsUsageSubmitter;
import io.hourmeter.aws.RegistrationFailedException;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.micrometer.HourmeterMetrics;
import io.hourmeter.spi.UsageSubmitter;
import io.hourmeter.testing.RecordingUsageSubmitter;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/** One condition per test, as Spring Boot's own starters are tested: no web server, no full start. */
class HourmeterAutoConfigurationTest {
  private static final String PRODUCT = "starter-test-product";

  @TempDir
  Path temp;

  private LocalMeteringEndpoint endpoint;
  private ApplicationContextRunner runner;

  @BeforeEach
  void startEndpoint() {
    endpoint = LocalMeteringEndpoint.builder().product(PRODUCT, "users", "requests").build().start();
    runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HourmeterAutoConfiguration.class))
        .withPropertyValues("hourmeter.product-code=" + PRODUCT, "hourmeter.dimensions=users,requests",
            "hourmeter.journal-directory=" + temp.resolve("journal"), "hourmeter.region=us-east-1",
            "hourmeter.send-jitter=0s");
  }

  @AfterEach
  void stopEndpoint() {
    endpoint.close();
  }

  private ApplicationContextRunner towardsEndpoint() {
    return runner.withPropertyValues("hourmeter.endpoint-override=" + endpoint.uri());
  }

  @Test
  void propertiesBuildAMeterWithTheAwsSubmitterHealthBinderAndLifecycle() {
    towardsEndpoint().run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(Meter.class).hasSingleBean(HourmeterLifecycle.class)
          .hasSingleBean(HourmeterHealthIndicator.class).hasSingleBean(HourmeterMetrics.class);
      assertThat(context.getBean(UsageSubmitter.class)).isInstanceOf(AwsUsageSubmitter.class);
      assertThat(context.getBean(Meter.class).dimension("requests")).isNotNull();
    });
  }

  @Test
  void closingTheContextClosesTheMeterWithTheShutdownPolicyOfProperties() {
    towardsEndpoint().withPropertyValues("hourmeter.shutdown-policy=REPORT_PARTIAL_HOUR").run(context -> {
      context.getBean(Meter.class).dimension("users").record(7);
      Meter meter = context.getBean(Meter.class);
      context.close();
      assertThat(meter.status().sending()).isEqualTo(MeterStatus.Sending.CLOSED);
    });
    // REPORT_PARTIAL_HOUR: close() sent the hour in progress, through the SDK, to the endpoint.
    assertThat(endpoint.accepted()).singleElement().satisfies(accepted -> {
      assertThat(accepted.dimension()).isEqualTo("users");
      assertThat(accepted.quantity()).isEqualTo(7);
    });
  }

  @Test
  void theApplicationsUsageSubmitterTakesPrecedence() {
    RecordingUsageSubmitter own = new RecordingUsageSubmitter(InstantSource.system(), PRODUCT, Set.of("users", "requests"));
    runner.withPropertyValues("hourmeter.shutdown-policy=REPORT_PARTIAL_HOUR")
        .withBean(UsageSubmitter.class, () -> own).run(context -> {
          assertThat(context).hasNotFailed().doesNotHaveBean(AwsUsageSubmitter.class);
          context.getBean(Meter.class).dimension("requests").record(3);
        });
    assertThat(own.acceptedUnits()).containsEntry("requests", 3L);
    assertThat(endpoint.accepted()).isEmpty();
  }

  @Test
  void theApplicationsMeteringClientIsTheOneTheAwsSubmitterCalls() {
    // No endpoint-override property: only the application's client knows the local endpoint.
    MarketplaceMeteringClient client = MarketplaceMeteringClient.builder().endpointOverride(endpoint.uri())
        .region(Region.US_EAST_1).httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDOWN", "own")))
        .overrideConfiguration(AwsUsageSubmitter.clientOverrides().build()).build();
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HourmeterAutoConfiguration.class))
        .withPropertyValues("hourmeter.product-code=" + PRODUCT, "hourmeter.dimensions=users",
            "hourmeter.journal-directory=" + temp.resolve("own-client"), "hourmeter.shutdown-policy=REPORT_PARTIAL_HOUR")
        .withBean(MarketplaceMeteringClient.class, () -> client).run(context -> {
          assertThat(context).hasNotFailed();
          context.getBean(Meter.class).dimension("users").record(5);
        });
    assertThat(endpoint.accepted()).singleElement().satisfies(a -> assertThat(a.quantity()).isEqualTo(5));
    client.close();
  }

  @Test
  void healthIsUpWhileTheDrainerRecoversAndOnceItIsActive() {
    towardsEndpoint().run(context -> {
      HourmeterHealthIndicator indicator = context.getBean(HourmeterHealthIndicator.class);
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
      var health = indicator.health();
      // At start the drainer rebuilds its state (RECOVERING: DEGRADED, still UP), then sends (OK).
      while (!"OK".equals(health.getDetails().get("level")) && System.nanoTime() < deadline) {
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("level", "DEGRADED").containsEntry("sending", "RECOVERING");
        Thread.sleep(50);
        health = indicator.health();
      }
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("level", "OK").containsEntry("sending", "ACTIVE");
    });
  }

  @Test
  void withoutMicrometerThereIsNoBinderAndWithoutActuatorHealthNoIndicator() {
    towardsEndpoint().withClassLoader(new FilteredClassLoader(MeterBinder.class, HealthIndicator.class))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Meter.class)
            .doesNotHaveBean(HourmeterMetrics.class).doesNotHaveBean(HourmeterHealthIndicator.class));
  }

  @Test
  void aMissingRequiredPropertyFailsStartupNamingIt() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HourmeterAutoConfiguration.class))
        .withPropertyValues("hourmeter.dimensions=users", "hourmeter.journal-directory=" + temp)
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .isInstanceOf(InvalidConfigurationPropertyValueException.class)
            .hasMessageContaining("hourmeter.product-code"));
  }

  @Test
  void aValueTheBuilderRefusesFailsStartupNamingThePropertyAndTheRule() {
    towardsEndpoint().withPropertyValues("hourmeter.hour-grace=2h").run(context -> {
      assertThat(context).hasFailed();
      Throwable invalid = findCause(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class);
      assertThat(((InvalidConfigurationPropertyValueException) invalid).getName()).isEqualTo("hourmeter.hour-grace");
      assertThat(invalid).hasMessageContaining("hourGrace");
    });
    towardsEndpoint().withPropertyValues("hourmeter.product-code=no spaces!").run(context ->
        assertThat(findCause(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class))
            .hasMessageContaining("hourmeter.product-code"));
    towardsEndpoint().withPropertyValues("hourmeter.aws.failure-rate-threshold=0").run(context ->
        assertThat(findCause(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class))
            .hasMessageContaining("hourmeter.aws.failure-rate-threshold"));
  }

  @Test
  void registerUsageAtStartupWhenAskedThenTheMeter() {
    towardsEndpoint().withPropertyValues("hourmeter.container.register-usage=true",
        "hourmeter.container.public-key-version=1", "hourmeter.container.public-key=" + endpoint.publicKeyPem(1))
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(io.hourmeter.aws.Registration.class);
          assertThat(endpoint.registrations()).hasSize(1);
        });
  }

  @Test
  void aRefusedRegistrationFailsStartupAndBuildsNoMeter() {
    LocalMeteringEndpoint refusing = LocalMeteringEndpoint.builder().product(PRODUCT, "users")
        .notEntitled(PRODUCT).build().start();
    try {
      runner.withPropertyValues("hourmeter.endpoint-override=" + refusing.uri(),
          "hourmeter.container.register-usage=true", "hourmeter.container.public-key-version=1",
          "hourmeter.container.public-key=" + refusing.publicKeyPem(1)).run(context -> {
            assertThat(context).hasFailed();
            assertThat(findCause(context.getStartupFailure(), RegistrationFailedException.class)).isNotNull();
          });
    } finally {
      refusing.close();
    }
  }

  @Test
  void withoutRegisterUsageNothingIsRegistered() {
    towardsEndpoint().run(context -> {
      assertThat(context).doesNotHaveBean(io.hourmeter.aws.Registration.class);
      assertThat(endpoint.registrations()).isEmpty();
    });
  }

  private static Throwable findCause(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return t;
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + failure, failure);
  }
}
