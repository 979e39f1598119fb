package io.hourmeter.spring.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** A Spring Boot application with the starter, run in a child JVM started without the Chronicle flags. */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration(HourmeterAutoConfiguration.class)
public class MissingJvmFlagsChild {
  public static void main(String[] args) {
    SpringApplication application = new SpringApplication(MissingJvmFlagsChild.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    try {
      application.run("--hourmeter.product-code=prod-flags", "--hourmeter.dimensions=users",
          "--hourmeter.journal-directory=" + args[0], "--hourmeter.region=us-east-1",
          "--hourmeter.endpoint-override=http://127.0.0.1:9");
      System.out.println("STARTED");
      System.exit(0);
    } catch (RuntimeException failed) {
      System.out.println("STARTUP FAILED");
      System.exit(3);
    }
  }
}
