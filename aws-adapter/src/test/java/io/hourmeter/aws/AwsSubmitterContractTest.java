package io.hourmeter.aws;

import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.spi.UsageSubmitter;
import io.hourmeter.testing.UsageSubmitterContract;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;

/** The submitter contract, run with the real SDK client over HTTP against the local endpoint. */
class AwsSubmitterContractTest extends UsageSubmitterContract {

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @Override
  protected UsageSubmitter submitter(String productCode, Set<String> dimensions, InstantSource clock) {
    LocalMeteringEndpoint endpoint = LocalMeteringEndpoint.builder()
        .product(productCode, dimensions.toArray(String[]::new))
        .clock(clock)
        .build()
        .start();
    toClose.add(endpoint);
    AwsUsageSubmitter submitter = LocalAws.submitterFor(endpoint).build();
    toClose.add(0, submitter);
    return submitter;
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }
}
