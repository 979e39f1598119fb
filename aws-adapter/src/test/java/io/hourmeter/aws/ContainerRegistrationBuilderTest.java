package io.hourmeter.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** Build-time checks of {@link ContainerRegistrationBuilder}: each names the option that is wrong. */
class ContainerRegistrationBuilderTest {

  private static final String PEM = pem(2048);

  @Test
  void withoutThePublicKeyOfTheConfiguredVersionBuildFailsSayingWhereTheKeyComesFrom() {
    ContainerRegistrationBuilder builder = local().productCode("prod-container").publicKeyVersion(2)
        .publicKey(1, PEM);

    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("publicKey: no AWS Marketplace public key is configured for publicKeyVersion 2")
        .hasMessageContaining("configured: [1]")
        .hasMessageContaining("AWS Marketplace gives sellers the public key (PEM) of each key version")
        .hasMessageContaining("publicKey(2, pem)");
  }

  @Test
  void productCodeAndPublicKeyVersionAreRequired() {
    assertThatThrownBy(() -> local().publicKeyVersion(1).publicKey(1, PEM).build())
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("productCode: required");
    assertThatThrownBy(() -> local().productCode("prod-container").publicKey(1, PEM).build())
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("publicKeyVersion: required");
  }

  @Test
  void aPublicKeyThatIsNotAPemRsaKeyOf2048BitsIsRefusedNamingItsVersion() {
    ContainerRegistrationBuilder builder = local();

    assertThatThrownBy(() -> builder.publicKey(1, "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("publicKey(1) must be a PEM public key");
    assertThatThrownBy(() -> builder.publicKey(1, "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("publicKey(1) is not a readable PEM");
    assertThatThrownBy(() -> builder.publicKey(1, pem(1024)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("publicKey(1) must be at least 2048 bits but has 1024");
    assertThatThrownBy(() -> builder.publicKey(0, PEM))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("publicKey version must be >= 1");
  }

  @Test
  void theKeyOfEachVersionAndEveryOtherOptionMayBeSetOnce() {
    ContainerRegistrationBuilder builder = local().publicKey(1, PEM).publicKey(2, PEM).productCode("prod-container");

    assertThatThrownBy(() -> builder.publicKey(1, PEM)).isInstanceOf(IllegalStateException.class)
        .hasMessage("publicKey(1) was already set");
    assertThatThrownBy(() -> builder.productCode("prod-other")).isInstanceOf(IllegalStateException.class)
        .hasMessage("productCode was already set");
    assertThatThrownBy(() -> builder.region(Region.US_EAST_1)).isInstanceOf(IllegalStateException.class)
        .hasMessage("region was already set");
  }

  @Test
  void badArgumentsAreRefusedAtTheCall() {
    assertThatThrownBy(() -> ContainerRegistration.builder().productCode("prod with spaces"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("productCode must be 1..255 characters");
    assertThatThrownBy(() -> ContainerRegistration.builder().publicKeyVersion(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("publicKeyVersion must be >= 1 but was 0");
    assertThatThrownBy(() -> ContainerRegistration.builder().retryFor(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("retryFor must be positive");
    assertThatThrownBy(() -> ContainerRegistration.builder().backoff(Duration.ofSeconds(2), 2, 0.5, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below backoff initial");
  }

  @Test
  void aGivenClientCannotBeCombinedWithOptionsForABuiltOne() {
    try (AwsUsageSubmitter submitter = unusedSubmitter()) {
      ContainerRegistrationBuilder builder = ContainerRegistration.builder().productCode("prod-container")
          .publicKeyVersion(1).publicKey(1, PEM).client(submitter.client()).readTimeout(Duration.ofSeconds(1));

      assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("readTimeout applies only to a client built by Hourmeter");
    }
  }

  @Test
  void aGivenClientIsTheOneRegistrationCalls() {
    try (AwsUsageSubmitter submitter = unusedSubmitter();
        ContainerRegistration registration = ContainerRegistration.builder().productCode("prod-container")
            .publicKeyVersion(1).publicKey(1, PEM).client(submitter.client()).build()) {
      assertThat(registration.client()).isSameAs(submitter.client());
    }
  }

  private static ContainerRegistrationBuilder local() {
    return ContainerRegistration.builder().region(Region.US_EAST_1)
        .credentialsProvider(LocalAws.credentials(LocalAws.ACCESS_KEY)).endpointOverride(URI.create("http://127.0.0.1:9"));
  }

  /** A submitter whose client is never called: nothing listens on port 9. */
  private static AwsUsageSubmitter unusedSubmitter() {
    return AwsUsageSubmitter.builder().region(Region.US_EAST_1)
        .credentialsProvider(LocalAws.credentials(LocalAws.ACCESS_KEY)).endpointOverride(URI.create("http://127.0.0.1:9"))
        .build();
  }

  private static String pem(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(generator.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
