package io.hourmeter.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.local.AcceptedRecord;
import io.hourmeter.local.LocalMeteringEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The demo's {@code --aws} mode, which runs on real time with the SDK's default chains, pointed with
 * {@code --endpoint-override} at a local Metering endpoint on loopback instead of AWS: the partial hour
 * is reported at close and the books balance against what the endpoint stored.
 */
class DemoAgainstAwsEndpointTest {
  private static final String PRODUCT = "prod-demo-aws-mode";

  @AfterEach
  void forgetCredentials() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  @Test
  void theAwsModeReportsThePartialHourAtCloseAndReconcilesWithWhatTheEndpointStored(@TempDir Path dir) {
    // The SDK's default credential chain in the metering process finds these (forwarded by the demo).
    System.setProperty("aws.accessKeyId", "AKIDDEMOTEST");
    System.setProperty("aws.secretAccessKey", "not-a-secret");
    try (LocalMeteringEndpoint endpoint = LocalMeteringEndpoint.builder().product(PRODUCT, "users", "requests")
        .build().start()) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      Demo demo = new Demo(new PrintStream(bytes, true, StandardCharsets.UTF_8));

      int code = new CommandLine(demo).execute("--aws", "--endpoint-override=" + endpoint.uri(),
          "--region=us-east-1", "--product-code=" + PRODUCT, "--dimensions=users,requests", "--duration=PT3S",
          "--records-per-second=40", "--threads=2", "--plain", "--work-dir=" + dir);
      String output = bytes.toString(StandardCharsets.UTF_8);

      assertThat(code).as(output).isZero();
      assertThat(output).contains("RECONCILED");
      Map<String, Long> recorded = new TreeMap<>();
      demo.lastReconciliation().rows().forEach(r -> recorded.merge(r.dimension(), r.recorded(), Long::sum));
      Map<String, Long> stored = new TreeMap<>();
      for (AcceptedRecord record : endpoint.accepted()) {
        stored.merge(record.dimension(), record.quantity(), Long::sum);
      }
      assertThat(recorded.values()).allMatch(units -> units > 0);
      assertThat(stored).isEqualTo(recorded);
    }
  }
}
