package io.hourmeter.aws;

import io.hourmeter.local.LocalMeteringEndpoint;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** Wires the real SDK client to a local endpoint on loopback: dummy static credentials, us-east-1. */
final class LocalAws {

  static final String ACCESS_KEY = "AKIDHOURMETERTEST01";
  static final String SECRET_KEY = "hourmeter-test-secret";

  private LocalAws() { }

  static StaticCredentialsProvider credentials(String accessKey) {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, SECRET_KEY));
  }

  /** A builder with every AWS option pointed at {@code endpoint}; tests add resilience knobs. */
  static AwsUsageSubmitterBuilder submitterFor(LocalMeteringEndpoint endpoint) {
    return AwsUsageSubmitter.builder()
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials(ACCESS_KEY))
        .endpointOverride(endpoint.uri())
        .connectTimeout(Duration.ofSeconds(2))
        .readTimeout(Duration.ofSeconds(5))
        .apiCallTimeout(Duration.ofSeconds(10));
  }
}
