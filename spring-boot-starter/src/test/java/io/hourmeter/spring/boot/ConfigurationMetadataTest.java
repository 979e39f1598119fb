package io.hourmeter.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.MeterBuilder;
import io.hourmeter.aws.AwsUsageSubmitterBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The configuration-properties metadata IDEs complete from (written by Spring Boot's annotation
 * processor) has a property for every option of the builders, so a new builder option without a property
 * fails here.
 */
class ConfigurationMetadataTest {

  /** Options that take objects, not values: beans of the application, or the builders' own wiring. */
  private static final Set<String> NOT_PROPERTIES = Set.of("submitter", "clock", "freeSpaceProbe",
      "errorHandler", "statusListener", "storage", "drainerThread", "build", "client", "credentialsProvider",
      "batchMeterUsage", "rateLimit", "backoff");

  private static Set<String> documented() throws IOException {
    try (InputStream in = ConfigurationMetadataTest.class.getResourceAsStream(
        "/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("spring-configuration-metadata.json on the class path").isNotNull();
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Matcher names = Pattern.compile("\"name\"\\s*:\\s*\"(hourmeter\\.[^\"]+)\"").matcher(json);
      Set<String> found = new java.util.TreeSet<>();
      while (names.find()) {
        found.add(names.group(1));
      }
      return found;
    }
  }

  private static Set<String> options(Class<?> builder, String prefix) {
    return Arrays.stream(builder.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
        .map(Method::getName).filter(name -> !NOT_PROPERTIES.contains(name))
        .map(name -> prefix + name.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT))
        .collect(Collectors.toSet());
  }

  @Test
  void everyMeterBuilderOptionHasAProperty() throws IOException {
    assertThat(documented()).containsAll(options(MeterBuilder.class, "hourmeter."));
  }

  @Test
  void everyAwsSubmitterOptionHasAProperty() throws IOException {
    Set<String> aws = options(AwsUsageSubmitterBuilder.class, "hourmeter.aws.").stream()
        .map(p -> p.replace("hourmeter.aws.region", "hourmeter.region")
            .replace("hourmeter.aws.endpoint-override", "hourmeter.endpoint-override"))
        .collect(Collectors.toSet());
    assertThat(documented()).containsAll(aws).contains("hourmeter.aws.rate-limit-permits",
        "hourmeter.aws.rate-limit-period", "hourmeter.aws.backoff-initial", "hourmeter.aws.backoff-max");
  }

  @Test
  void registerUsageHasItsProperties() throws IOException {
    assertThat(documented()).contains("hourmeter.container.register-usage", "hourmeter.container.public-key",
        "hourmeter.container.public-key-version", "hourmeter.container.retry-for");
  }
}
