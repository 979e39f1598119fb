package io.hourmeter.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Buyer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoBuyersTest {

  @Test
  void theDemosBuyersAreMostlyLicensesSomeAccountsAFewLegacyIdsAndAboutOneInThirteenUnsubscribed() {
    DemoBuyers buyers = DemoBuyers.generate(Demo.DEFAULT_BUYERS);

    Map<String, Long> forms = buyers.buyers().stream()
        .collect(Collectors.groupingBy(DemoBuyers::form, Collectors.counting()));
    assertThat(forms).containsEntry("account+LicenseArn", 240L).containsEntry("account", 45L)
        .containsEntry("CustomerIdentifier", 15L);
    assertThat(buyers.notSubscribed()).hasSize(23).extracting(DemoBuyers::form)
        .contains("account+LicenseArn", "account", "CustomerIdentifier");
    assertThat(buyers.buyers().stream().filter(b -> b.licenseArn() != null).map(Buyer::awsAccountId)
        .collect(Collectors.groupingBy(a -> a, Collectors.counting())).values())
        .as("some accounts hold two licenses").contains(2L);
    assertThat(DemoBuyers.generate(Demo.DEFAULT_BUYERS)).isEqualTo(buyers);
  }

  @Test
  void fiveThousandBuyersAreDistinctAndSurviveTheFileAndTheEndpointsForm(@TempDir Path dir) throws IOException {
    DemoBuyers buyers = DemoBuyers.generate(5000);
    Path file = dir.resolve("buyers.txt");
    buyers.write(file);

    List<Buyer> read = DemoBuyers.read(file);
    assertThat(read).containsExactlyElementsOf(buyers.buyers());
    assertThat(new HashSet<>(read)).hasSize(5000);
    for (Buyer buyer : read) {
      assertThat(DemoBuyers.fromEndpoint(DemoBuyers.toEndpoint(buyer))).isEqualTo(buyer);
    }
  }
}
