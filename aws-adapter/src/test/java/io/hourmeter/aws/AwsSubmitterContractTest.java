package io.hourmeter.aws;

import io.hourmeter.Buyer;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.local.SaasCustomer;
import io.hourmeter.spi.UsageSubmitter;
import io.hourmeter.testing.UsageSubmitterContract;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;

/** The submitter contract, run with the real SDK client over HTTP against the local endpoint. */
class AwsSubmitterContractTest extends UsageSubmitterContract {

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final Map<UsageSubmitter, LocalMeteringEndpoint> endpoints = new HashMap<>();

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

  /** BatchMeterUsage against an endpoint that has {@code subscribers} subscribed to the product. */
  @Override
  protected UsageSubmitter saasSubmitter(String productCode, Set<String> dimensions, Set<Buyer> subscribers,
      InstantSource clock) {
    LocalMeteringEndpoint.Builder service = LocalMeteringEndpoint.builder()
        .product(productCode, dimensions.toArray(String[]::new))
        .clock(clock);
    subscribers.forEach(buyer -> service.subscriber(productCode, customer(buyer)));
    LocalMeteringEndpoint endpoint = service.build().start();
    toClose.add(endpoint);
    AwsUsageSubmitter submitter = LocalAws.submitterFor(endpoint).batchMeterUsage().build();
    toClose.add(0, submitter);
    endpoints.put(submitter, endpoint);
    return submitter;
  }

  /** The endpoint's own fault: records come back in UnprocessedRecords, unrecorded. */
  @Override
  protected void leaveUnprocessedNext(UsageSubmitter submitter, int records) {
    endpoints.get(submitter).faults().unprocessedRecordsNext(records);
  }

  /** The endpoint's name for {@code buyer}. */
  static SaasCustomer customer(Buyer buyer) {
    return new SaasCustomer(buyer.customerIdentifier(), buyer.awsAccountId(), buyer.licenseArn());
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }
}
