package io.hourmeter.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CommandLineTest {

  @Test
  void buildsAnEndpointForTheProductsGiven() throws Exception {
    String[] args = {"--product", "prod-cli:users,gpus", "--region", "us-east-1", "--throttle-rate", "0"};
    try (LocalMeteringEndpoint endpoint = CommandLine.parse(args).build().start()) {
      CommandLine.applyFaults(args, endpoint.faults());
      HttpResponse<String> answer = new RawClient(endpoint.uri()).meterUsage(
          RawClient.body("prod-cli", "gpus", Instant.now().minusSeconds(60), 2, null, null));

      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }
  }

  @Test
  void subscribersMayBeGivenByAccountOrByAccountAndLicense() throws Exception {
    String license = "arn:aws:license-manager::111111111111:license/l-1";
    String[] args = {"--product", "prod-cli:api_calls", "--subscriber", "prod-cli:111111111111:" + license,
        "--subscriber", "prod-cli:222222222222", "--unprocessed-rate", "0"};
    try (LocalMeteringEndpoint endpoint = CommandLine.parse(args).build().start()) {
      CommandLine.applyFaults(args, endpoint.faults());
      Instant at = Instant.now().minusSeconds(60);
      HttpResponse<String> answer = new RawClient(endpoint.uri()).batchMeterUsage(RawClient.batchBody("prod-cli",
          RawClient.usageRecord("\"CustomerAWSAccountId\":\"111111111111\",\"LicenseArn\":\"" + license + "\"",
              "api_calls", at, 1),
          RawClient.usageRecord("\"CustomerAWSAccountId\":\"222222222222\"", "api_calls", at, 1),
          RawClient.usageRecord("\"CustomerAWSAccountId\":\"333333333333\"", "api_calls", at, 1)));

      assertThat(answer.body()).containsSubsequence("\"Success\"", "\"Success\"", "\"CustomerNotSubscribed\"");
    }
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--subscriber", "prod-cli"}))
        .hasMessageContaining("CODE:ACCOUNT");
  }

  @Test
  void rejectsUnknownOptionsAndMissingValues() {
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--bogus", "1"})).hasMessageContaining("--bogus");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--port"})).hasMessageContaining("--port");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--product", "nodims"}))
        .hasMessageContaining("CODE:dim1");
  }

  @Test
  void anAcceleratedClockRunsFasterThanRealTime() throws Exception {
    var clock = CommandLine.accelerated(3600);
    Instant first = clock.instant();
    Thread.sleep(20);

    assertThat(clock.instant()).isAfterOrEqualTo(first.plusSeconds(60));
  }

  @Test
  void mainRunsStandalonePrintingItsUriUntilTheProcessIsStopped() throws Exception {
    Process child = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp",
        System.getProperty("java.class.path"), LocalMeteringEndpoint.class.getName(),
        "--product", "prod-shell:users")
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try (java.io.BufferedReader out = new java.io.BufferedReader(
        new java.io.InputStreamReader(child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
      java.net.URI uri = java.net.URI.create(out.readLine());
      HttpResponse<String> answer = new RawClient(uri).meterUsage(
          RawClient.body("prod-shell", "users", Instant.now().minusSeconds(60), 1, null, null));

      assertThat(uri.getHost()).isEqualTo("127.0.0.1");
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    } finally {
      child.destroyForcibly().waitFor();
    }
  }
}
