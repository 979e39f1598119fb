package io.hourmeter.samples.cli;

import io.hourmeter.Buyer;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SendPermission;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.spi.UsageSubmitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory BatchMeterUsage for the CLI's SaaS tests: up to 25 reports a call, one record per
 * (buyer, dimension, hour) (an identical resend gets the same record id back), and each buyer in
 * {@code notSubscribed} answered CustomerNotSubscribed in its own result, as AWS does. Thread-safe.
 */
final class BatchUsageSubmitter implements UsageSubmitter {
  private final Set<Buyer> notSubscribed;
  private final Map<String, String> records = new HashMap<>();
  private final List<UsageReport> accepted = new ArrayList<>();

  BatchUsageSubmitter(Set<Buyer> notSubscribed) {
    this.notSubscribed = Set.copyOf(notSubscribed);
  }

  @Override
  public SendPermission tryAcquirePermission() {
    return SendPermission.allow();
  }

  @Override
  public SubmitOutcome submit(UsageReport report) {
    return submitAll(List.of(report)).get(0);
  }

  @Override
  public int maxReportsPerCall() {
    return 25;
  }

  @Override
  public int callSize(List<UsageReport> candidates) {
    return Math.min(candidates.size(), 25);
  }

  @Override
  public synchronized List<SubmitOutcome> submitAll(List<UsageReport> reports) {
    List<SubmitOutcome> outcomes = new ArrayList<>();
    for (UsageReport r : reports) {
      if (notSubscribed.contains(r.buyer())) {
        outcomes.add(SubmitOutcome.failed(OutcomeClass.CUSTOMER_NOT_SUBSCRIBED, "CustomerNotSubscribed",
            "CustomerNotSubscribed: the buyer cannot use this product"));
        continue;
      }
      String key = r.buyer().key() + " " + r.dimension() + " " + r.timestamp() + " " + r.quantity();
      String id = records.computeIfAbsent(key, k -> {
        accepted.add(r);
        return "rec-" + records.size();
      });
      outcomes.add(SubmitOutcome.accepted(id));
    }
    return outcomes;
  }

  /** The reports recorded, first send of each. */
  synchronized List<UsageReport> accepted() {
    return List.copyOf(accepted);
  }

  @Override
  public Duration backoff(int consecutiveFailures) {
    return Duration.ofSeconds(1);
  }
}
