package io.hourmeter.samples.spring;

import io.hourmeter.Meter;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The integration sample's tenant service as a Spring Boot application: the starter builds the meter
 * from {@code application.properties}, Actuator shows its health ({@code /actuator/health}, component
 * {@code hourmeter}) and metrics ({@code /actuator/prometheus}, {@code hourmeter_*}), and the meter is
 * closed after the web server has stopped. Run it with the Chronicle JVM flags (README: "Spring Boot").
 */
@SpringBootApplication
public class TenantApplication {

  public static void main(String[] args) {
    SpringApplication.run(TenantApplication.class, args);
  }

  @Bean
  PlanMetering planMetering(Meter meter) {
    return new PlanMetering(meter);
  }
}
