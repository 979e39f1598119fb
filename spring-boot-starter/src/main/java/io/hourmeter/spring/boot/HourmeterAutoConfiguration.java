package io.hourmeter.spring.boot;

import io.hourmeter.Meter;
import io.hourmeter.aws.ContainerRegistration;
import io.hourmeter.aws.Registration;
import io.hourmeter.micrometer.HourmeterMetrics;
import io.hourmeter.spi.UsageSubmitter;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.InstantSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * Auto-configures a {@link Meter} from the {@code hourmeter.*} properties ({@link HourmeterProperties}),
 * with an AWS submitter from the default credential and region chains, an Actuator health indicator
 * ({@code hourmeter}) when Actuator's health module is present, the Micrometer binder when Micrometer is,
 * RegisterUsage at startup when {@code hourmeter.container.register-usage=true}, and a close after the
 * web server has stopped ({@link HourmeterLifecycle}).
 *
 * <p>Every bean backs off for the application's own: a {@code UsageSubmitter} replaces the AWS
 * submitter, a {@code MarketplaceMeteringClient} is used by the AWS submitter and the registration, a
 * {@code ContainerRegistration} replaces the one built from properties, and a {@code Meter} replaces
 * everything here but the health indicator and the binder.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "hourmeter.enabled", matchIfMissing = true)
@EnableConfigurationProperties(HourmeterProperties.class)
public class HourmeterAutoConfiguration {

  /**
   * The name of an {@code InstantSource} bean that, when present, is the meter's clock (and through it
   * the submitter's); otherwise the system clock. For tests and demos that run hours in seconds.
   */
  public static final String CLOCK_BEAN = "hourmeterClock";

  /** The AWS submitter, unless the application has its own {@code UsageSubmitter}. */
  @Bean
  @ConditionalOnMissingBean({UsageSubmitter.class, Meter.class})
  UsageSubmitter hourmeterUsageSubmitter(HourmeterProperties properties,
      ObjectProvider<MarketplaceMeteringClient> client) {
    return PropertiesBuilders.submitter(properties, client.getIfUnique());
  }

  /** RegisterUsage's registration, configured from properties, unless the application has its own. */
  @Bean
  @ConditionalOnBooleanProperty("hourmeter.container.register-usage")
  @ConditionalOnMissingBean(ContainerRegistration.class)
  ContainerRegistration hourmeterContainerRegistration(HourmeterProperties properties,
      ObjectProvider<MarketplaceMeteringClient> client) {
    return PropertiesBuilders.registration(properties, client.getIfUnique());
  }

  /**
   * RegisterUsage at startup, before the meter is built: a container product that cannot register must
   * not serve, so a failure ({@code RegistrationFailedException}, saying what to do) fails startup.
   */
  @Bean
  @ConditionalOnBooleanProperty("hourmeter.container.register-usage")
  Registration hourmeterRegistration(ContainerRegistration registration) {
    return registration.register();
  }

  /** The meter, built at startup; closed by {@link HourmeterLifecycle} (and at bean destruction). */
  @Bean
  @ConditionalOnMissingBean(Meter.class)
  Meter hourmeterMeter(HourmeterProperties properties, UsageSubmitter submitter,
      ObjectProvider<Registration> registration, @Qualifier(CLOCK_BEAN) ObjectProvider<InstantSource> clock) {
    registration.ifAvailable(registered -> { });
    return PropertiesBuilders.meter(properties, submitter, clock.getIfAvailable());
  }

  @Bean
  @ConditionalOnMissingBean(HourmeterLifecycle.class)
  HourmeterLifecycle hourmeterLifecycle(Meter meter) {
    return new HourmeterLifecycle(meter);
  }

  /** The Actuator health indicator, when Spring Boot's health module is on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "hourmeterHealthIndicator")
    HourmeterHealthIndicator hourmeterHealthIndicator(Meter meter) {
      return new HourmeterHealthIndicator(meter);
    }
  }

  /** The Micrometer binder, when Micrometer and hourmeter-micrometer are on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MeterBinder.class, HourmeterMetrics.class})
  static class Metrics {
    @Bean
    @ConditionalOnMissingBean(HourmeterMetrics.class)
    HourmeterMetrics hourmeterMetrics(Meter meter, HourmeterProperties properties) {
      String[] dimensions = PropertyChecks.required("hourmeter.dimensions", properties.getDimensions(),
          "the meter's dimensions, for the hourmeter.usage.pending gauges").toArray(String[]::new);
      return HourmeterMetrics.builder(meter).dimensions(dimensions)
          .customerTags(properties.getMetrics().getCustomerTags().toArray(String[]::new)).build();
    }
  }
}
