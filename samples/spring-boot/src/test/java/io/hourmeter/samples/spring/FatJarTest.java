package io.hourmeter.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.local.LocalMeteringEndpoint;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repackaged Spring Boot jar starts with {@code java -jar} and no JVM flags on the command line: its
 * manifest carries the Chronicle flags, and Spring Boot's launcher keeps them. Runs after packaging.
 */
class FatJarTest {
  @TempDir
  Path temp;

  private static Path fatJar() throws IOException {
    try (var files = Files.list(Path.of("target"))) {
      return files.filter(p -> p.getFileName().toString().matches("hourmeter-samples-spring-boot-.*\\d(-SNAPSHOT)?\\.jar"))
          .findFirst().orElseThrow(() -> new AssertionError("no fat jar in target/"));
    }
  }

  @Test
  void theFatJarsManifestCarriesTheFlagsAndTheApplicationStartsWithoutAnyOnTheCommandLine() throws Exception {
    Path jar = fatJar();
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      assertThat(manifest.getMainAttributes().getValue("Start-Class")).isEqualTo(TenantApplication.class.getName());
      assertThat(manifest.getMainAttributes().getValue("Add-Opens")).isEqualTo("java.base/java.lang.reflect");
      assertThat(manifest.getMainAttributes().getValue("Add-Exports"))
          .isEqualTo("java.base/jdk.internal.ref java.base/sun.nio.ch");
    }
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path log = temp.resolve("app.log");
    try (LocalMeteringEndpoint endpoint = LocalMeteringEndpoint.builder()
        .product("tenant-service-demo", "basic_requests", "premium_requests").build().start()) {
      Process app = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Daws.accessKeyId=AKIDJAR", "-Daws.secretAccessKey=jar",
          "-Daws.disableEc2Metadata=true", "-jar", jar.toString(), "--server.address=127.0.0.1",
          "--server.port=" + port, "--hourmeter.region=us-east-1", "--hourmeter.endpoint-override=" + endpoint.uri(),
          "--hourmeter.journal-directory=" + temp.resolve("journal")))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String body = null;
        while (body == null && System.nanoTime() < deadline && app.isAlive()) {
          try {
            HttpResponse<String> answer = http.send(health, HttpResponse.BodyHandlers.ofString());
            body = answer.statusCode() == 200 ? answer.body() : null;
          } catch (IOException notYet) {
            Thread.sleep(250);
          }
        }
        assertThat(body).as("health of the started jar; log:\n%s", Files.readString(log))
            .contains("\"hourmeter\":{").contains("\"status\":\"UP\"");
      } finally {
        app.destroy();
        assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
    }
    assertThat(Files.readString(log)).doesNotContain("needs JVM flags");
  }
}
