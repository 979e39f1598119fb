package io.hourmeter.samples.demo;

import io.hourmeter.Buyer;
import io.hourmeter.local.SaasCustomer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The SaaS demo's buyers, made up the same way every run: mostly buyers by AWS account and LicenseArn
 * (a few accounts hold two licenses, as Concurrent Agreements allow), some by account alone (products
 * from before Concurrent Agreements) and a few by the legacy CustomerIdentifier; about one in thirteen,
 * of every form, is not subscribed at the local endpoint, which answers CustomerNotSubscribed for it.
 *
 * <p>The demo hands the buyers to its metering process in a file, one {@link Buyer#key()} a line in
 * usage-key order; the metering process is not told who is subscribed (an application does not know it
 * either: AWS tells the meter). Immutable.
 *
 * @param buyers        every buyer, in order
 * @param notSubscribed the buyers the endpoint is not told about
 */
record DemoBuyers(List<Buyer> buyers, Set<Buyer> notSubscribed) {

  /** The account of AWS Marketplace's License Manager grants: LicenseArns carry it, not the buyer's. */
  private static final String LICENSE_ISSUER = "294406891311";

  DemoBuyers {
    buyers = List.copyOf(buyers);
    notSubscribed = Set.copyOf(notSubscribed);
  }

  /** {@code count} buyers, the same ones for the same count. */
  static DemoBuyers generate(int count) {
    List<Buyer> buyers = new ArrayList<>(count);
    Set<Buyer> notSubscribed = new LinkedHashSet<>();
    for (int i = 0; i < count; i++) {
      Buyer buyer = buyer(i);
      if (buyers.contains(buyer)) {
        throw new IllegalStateException("buyer " + i + " repeats " + buyer); // the scramble collided
      }
      buyers.add(buyer);
      if (i % 13 == 6) {
        notSubscribed.add(buyer);
      }
    }
    return new DemoBuyers(buyers, notSubscribed);
  }

  /**
   * Buyer {@code i}: one in twenty by CustomerIdentifier, three in twenty by account alone, the rest by
   * account and license; every 25th license is a second one of the previous buyer's account.
   */
  private static Buyer buyer(int i) {
    int form = i % 20;
    if (form == 19) {
      return Buyer.ofCustomerIdentifier(String.format("legacy-%08x", mix(i)));
    }
    if (form == 5 || form == 12 || form == 15) {
      return Buyer.ofAccount(account(i));
    }
    String account = i % 25 == 24 ? account(i - 1) : account(i);
    return Buyer.of(account, "arn:aws:license-manager::" + LICENSE_ISSUER + ":license:l-"
        + String.format("%016x%016x", mix(i), mix(i + 1_000_003)));
  }

  private static String account(int i) {
    return String.format("%012d", 100_000_000_000L + (mix(i) & 0xffff_ffffL) * 181 % 899_999_999_999L);
  }

  /** A fixed scramble, so that ids look like ids but stay the same from run to run. */
  private static long mix(long x) {
    long z = x * 0x9E37_79B9_7F4A_7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    return z ^ (z >>> 27);
  }

  /** Buyers by form, for the demo's first line and its totals. */
  static String form(Buyer buyer) {
    return buyer.customerIdentifier() != null ? "CustomerIdentifier"
        : buyer.licenseArn() != null ? "account+LicenseArn" : "account";
  }

  /**
   * A short name for tables, prefixed as {@link Buyer#key()} is: {@code acct:} with the account (and the
   * start of the license's id), or {@code id:} with the identifier.
   */
  static String label(Buyer buyer) {
    if (buyer.customerIdentifier() != null) {
      return "id:" + buyer.customerIdentifier();
    }
    if (buyer.licenseArn() == null) {
      return "acct:" + buyer.awsAccountId();
    }
    String license = buyer.licenseArn().substring(buyer.licenseArn().lastIndexOf(':') + 1);
    return "acct:" + buyer.awsAccountId() + " " + (license.length() <= 12 ? license : license.substring(0, 12) + "..");
  }

  /** The buyer as the local endpoint is told about it. */
  static SaasCustomer toEndpoint(Buyer buyer) {
    return buyer.customerIdentifier() != null ? SaasCustomer.identifier(buyer.customerIdentifier())
        : buyer.licenseArn() != null ? SaasCustomer.license(buyer.awsAccountId(), buyer.licenseArn())
        : SaasCustomer.account(buyer.awsAccountId());
  }

  /** The buyer a BatchMeterUsage record named on the wire. */
  static Buyer fromEndpoint(SaasCustomer customer) {
    return customer.customerIdentifier() != null ? Buyer.ofCustomerIdentifier(customer.customerIdentifier())
        : customer.licenseArn() != null ? Buyer.of(customer.customerAWSAccountId(), customer.licenseArn())
        : Buyer.ofAccount(customer.customerAWSAccountId());
  }

  /** Writes the buyers' keys, one a line, for the metering process. */
  void write(Path file) throws IOException {
    Files.write(file, buyers.stream().map(Buyer::key).toList(), StandardCharsets.UTF_8);
  }

  /** The buyers {@link #write} wrote, in order. */
  static List<Buyer> read(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
        .map(Buyer::fromKey).toList();
  }
}
