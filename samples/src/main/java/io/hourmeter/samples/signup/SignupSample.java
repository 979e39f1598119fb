package io.hourmeter.samples.signup;

import io.hourmeter.Meter;
import io.hourmeter.MeteringMode;
import io.hourmeter.aws.AwsUsageSubmitter;
import io.hourmeter.aws.AwsUsageSubmitterBuilder;
import io.hourmeter.aws.CustomerResolver;
import io.hourmeter.aws.CustomerResolverBuilder;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.local.SaasCustomer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Runs the {@link FulfillmentPage} with a SAAS meter: against AWS with the seller account's credentials
 * from the SDK's default chain, or with {@code --local-endpoint} against a local Metering endpoint in
 * this process that knows the registration token {@code demo-token} (a licensed buyer) and the expired
 * {@code demo-token-expired}, to try it with {@code curl -d x-amzn-marketplace-token=demo-token <URL>}
 * or a browser. Start it with the Chronicle JVM flags:
 * {@code java $(cat samples/target/classes/hourmeter-jvm-flags.txt) -cp
 * samples/target/hourmeter-samples-app.jar io.hourmeter.samples.signup.SignupSample --local-endpoint}.
 */
@Command(name = "signup-sample", mixinStandardHelpOptions = true, sortOptions = false,
    description = "A SaaS fulfillment page: ResolveCustomer, a sign-up form, and the buyer's first usage.")
public final class SignupSample implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "8080", description = "HTTP port on 127.0.0.1; 0 picks one.")
  int port;

  @Option(names = "--journal", defaultValue = "hourmeter-signup-journal",
      description = "The journal directory (keep it on persistent local disk). Default: ${DEFAULT-VALUE}")
  Path journal;

  @Option(names = "--product-code", description = "Your SaaS product's code.")
  String productCode;

  @Option(names = "--dimension", defaultValue = "accounts",
      description = "The dimension the first usage is recorded on. Default: ${DEFAULT-VALUE}")
  String dimension;

  @Option(names = "--region", description = "AWS region; default: the SDK's chain.")
  String region;

  @Option(names = "--local-endpoint", description = "Use a local Metering endpoint started in this process.")
  boolean localEndpoint;

  private static final String LOCAL_PRODUCT = "signup-sample-demo";

  public static void main(String[] args) {
    int code = new CommandLine(new SignupSample()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    if (!localEndpoint && productCode == null) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--product-code is required (or --local-endpoint)");
    }
    String product = localEndpoint ? LOCAL_PRODUCT : productCode;
    LocalMeteringEndpoint endpoint = localEndpoint ? LocalMeteringEndpoint.builder()
        .product(LOCAL_PRODUCT, dimension)
        .registration("demo-token", LOCAL_PRODUCT, SaasCustomer.license("111122223333",
            "arn:aws:license-manager::111122223333:license:l-0123456789abcdef0"))
        .expiredRegistrationToken("demo-token-expired")
        .build().start() : null;
    AwsUsageSubmitterBuilder submitter = AwsUsageSubmitter.builder().batchMeterUsage();
    CustomerResolverBuilder resolver = CustomerResolver.builder().productCode(product);
    if (endpoint != null) {
      StaticCredentialsProvider local = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "local"));
      submitter.region(Region.US_EAST_1).credentialsProvider(local).endpointOverride(endpoint.uri());
      resolver.region(Region.US_EAST_1).credentialsProvider(local).endpointOverride(endpoint.uri());
    } else if (region != null) {
      submitter.region(Region.of(region));
      resolver.region(Region.of(region));
    }
    CountDownLatch stopped = new CountDownLatch(1);
    try (CustomerResolver customers = resolver.build();
        Meter meter = Meter.builder().productCode(product).dimensions(dimension).mode(MeteringMode.SAAS)
            .journalDirectory(journal).submitter(submitter.build()).build();
        FulfillmentPage page = new FulfillmentPage(customers, meter, dimension).start(port)) {
      Thread main = Thread.currentThread();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stopped.countDown(); // then give main the time to close the page and the meter
        try {
          main.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "signup-sample-shutdown"));
      System.out.println("Fulfillment URL: " + page.fulfillmentUrl());
      if (endpoint != null) {
        System.out.println("Try: curl -i -d x-amzn-marketplace-token=demo-token " + page.fulfillmentUrl());
      }
      stopped.await();
    } finally {
      if (endpoint != null) {
        endpoint.close();
      }
    }
    return 0;
  }
}
