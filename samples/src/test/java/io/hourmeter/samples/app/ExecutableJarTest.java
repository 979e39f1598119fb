package io.hourmeter.samples.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of the packaged executable jars (run by Surefire in the package phase, after they are built):
 * their manifests carry exactly the root pom's Chronicle flags, and the sample app starts with plain
 * {@code java -jar} and no flags on the command line.
 */
class ExecutableJarTest {
  private static final Path TARGET = Path.of("target");

  @Test
  void theSampleAppJarManifestCarriesExactlyTheChronicleFlags() throws IOException {
    assertManifestFlags(TARGET.resolve("hourmeter-samples-app.jar"), "io.hourmeter.samples.app.TenantService");
  }

  @Test
  void theDemoJarManifestCarriesExactlyTheChronicleFlags() throws IOException {
    assertManifestFlags(TARGET.resolve("hourmeter-samples.jar"), "io.hourmeter.samples.demo.Demo");
  }

  @Test
  @Timeout(90)
  void theSampleAppStartsWithJavaDashJarMetersARequestAndClosesTheMeterOnShutdown(@TempDir Path dir)
      throws Exception {
    Process app = new ProcessBuilder(javaBinary(), "-jar", TARGET.resolve("hourmeter-samples-app.jar").toString(),
        "--local-endpoint", "--port=0", "--journal=" + dir.resolve("journal"))
        .redirectErrorStream(true)
        .start();
    try (BufferedReader output = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
      URI base = awaitListening(output);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

      HttpResponse<String> work = http.send(HttpRequest.newBuilder(base.resolve("/work?tenant=acme")).build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(base.resolve("/work?tenant=nobody")).build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(base.resolve("/health/metering")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(work.statusCode()).isEqualTo(200);
      assertThat(work.body()).contains("\"plan\":\"premium_requests\"");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"level\":\"OK\"");

      // SIGTERM through the handle (Process.destroy() would also close our end of its output).
      app.toHandle().destroy();
      assertThat(app.waitFor(30, TimeUnit.SECONDS)).as("the app exits after SIGTERM").isTrue();
      assertThat(output.lines().toList()).contains("tenant-service stopped; meter closed");
    } finally {
      app.destroyForcibly();
    }
  }

  private static void assertManifestFlags(Path jar, String mainClass) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      Attributes main = file.getManifest().getMainAttributes();
      assertThat(main.getValue("Main-Class")).isEqualTo(mainClass);
      Set<String> fromManifest = new HashSet<>();
      for (String entry : main.getValue("Add-Opens").trim().split("\\s+")) {
        fromManifest.add("--add-opens=" + entry + "=ALL-UNNAMED");
      }
      for (String entry : main.getValue("Add-Exports").trim().split("\\s+")) {
        fromManifest.add("--add-exports=" + entry + "=ALL-UNNAMED");
      }
      assertThat(fromManifest).containsExactlyInAnyOrderElementsOf(chronicleFlags());
    }
  }

  private static List<String> chronicleFlags() {
    String flags = System.getProperty("hourmeter.jvmFlags", "").trim();
    assertThat(flags).as("Surefire passes hourmeter.jvmFlags").isNotEmpty();
    return Arrays.asList(flags.split("\\s+"));
  }

  private static URI awaitListening(BufferedReader output) throws IOException {
    Pattern listening = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+/)");
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = output.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher matcher = listening.matcher(line);
      if (matcher.find()) {
        return URI.create(matcher.group(1));
      }
    }
    throw new AssertionError("the app ended before listening:\n" + seen);
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
