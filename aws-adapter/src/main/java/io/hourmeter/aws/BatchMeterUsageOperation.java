package io.hourmeter.aws;

import io.hourmeter.aws.LicenseArnShim.RecordIdentity;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResult;

/**
 * BatchMeterUsage (SaaS mode): up to {@value #MAX_RECORDS} reports per call, of one product, in a
 * request under 1 MB, each report's record built by {@link BatchMeterUsageRequests}.
 *
 * <p><b>A call.</b> {@link #callSize} takes due reports from the front while they are of the first one's
 * product, fit in {@value #MAX_RECORDS} records, keep the request under {@value #MAX_REQUEST_BYTES} bytes
 * (counted exactly from the records), and have distinct {@linkplain BatchMeterUsageRequests#identity
 * identities} (buyer, dimension, minute). The last rule is what lets results be matched without
 * guessing: the SDK parses each result's record without its LicenseArn, so two records that differ only
 * in LicenseArn (one account's two licenses, same dimension and time) could not be told apart in the
 * reply, and the shim could not place their licenses in the request. They go in separate calls.
 *
 * <p><b>The reply.</b> Each {@code UsageRecordResult} and each {@code UnprocessedRecords} entry is matched
 * to its report by identity, never by position (AWS promises no order), and classified by
 * {@link ErrorClassification#RECORD_STATUSES}: Success is accepted with its MeteringRecordId,
 * CustomerNotSubscribed and DuplicateRecord are final for the report, an unprocessed record is
 * retryable (proof that it was not recorded), and a report the reply says nothing of, or says two
 * different things of, is outcome-unknown. None of these is {@linkplain SubmitOutcome#wholeCall() about
 * the whole call}.
 *
 * <p><b>Permission.</b> BatchMeterUsage has no DryRun, so {@link #checkPermission} checks nothing and says
 * so; the first real call shows a missing {@value AwsUsageSubmitter#BATCH_METER_USAGE_PERMISSION}.
 *
 * <p>Stateless; thread-safe.
 */
final class BatchMeterUsageOperation implements MeteringOperation {

  /** The most UsageRecords one call carries (the model's UsageRecordList max). */
  static final int MAX_RECORDS = 25;
  /** A request must be less than this many bytes of JSON. */
  static final int MAX_REQUEST_BYTES = 1 << 20;
  /** The record id {@link #checkPermission} answers with: BatchMeterUsage has no DryRun. */
  static final String NO_DRY_RUN = "dry-run-not-supported";

  private static final Logger LOG = LoggerFactory.getLogger(BatchMeterUsageOperation.class);

  @Override
  public String iamAction() {
    return AwsUsageSubmitter.BATCH_METER_USAGE_PERMISSION;
  }

  @Override
  public int maxReportsPerCall() {
    return MAX_RECORDS;
  }

  @Override
  public int callSize(List<UsageReport> candidates) {
    if (candidates.isEmpty()) {
      return 1;
    }
    String product = candidates.get(0).productCode();
    long bytes = BatchMeterUsageRequests.envelopeBytes(product);
    Set<RecordIdentity> identities = new HashSet<>();
    int size = 0;
    for (UsageReport report : candidates) {
      if (size == MAX_RECORDS || !report.productCode().equals(product)) {
        break;
      }
      RecordIdentity identity = BatchMeterUsageRequests.identity(report);
      if (identity != null && !identities.add(identity)) {
        break;
      }
      long more = BatchMeterUsageRequests.recordBytes(report) + (size == 0 ? 0 : 1);
      if (size > 0 && bytes + more >= MAX_REQUEST_BYTES) {
        break;
      }
      bytes += more;
      size++;
    }
    return Math.max(1, size);
  }

  @Override
  public Optional<String> violation(UsageReport report) {
    if (report.buyer() == null) {
      return Optional.of("a BatchMeterUsage record needs a buyer, but the report has none");
    }
    if (report.clientToken() != null) {
      return Optional.of("BatchMeterUsage has no ClientToken, but the report carries one: it is not a SaaS "
          + "report");
    }
    Optional<String> limit = ReportLimits.violation(report);
    if (limit.isPresent()) {
      return limit;
    }
    long alone = BatchMeterUsageRequests.envelopeBytes(report.productCode())
        + BatchMeterUsageRequests.recordBytes(report);
    if (alone >= MAX_REQUEST_BYTES) {
      return Optional.of("the record alone makes a request of " + alone + " bytes, but a BatchMeterUsage "
          + "request must be less than " + MAX_REQUEST_BYTES);
    }
    return Optional.empty();
  }

  @Override
  public List<SubmitOutcome> call(MarketplaceMeteringClient client, List<UsageReport> reports) {
    BatchMeterUsageResponse response = client.batchMeterUsage(BatchMeterUsageRequests.of(reports));
    Map<RecordIdentity, Integer> index = new HashMap<>();
    for (int i = 0; i < reports.size(); i++) {
      index.put(BatchMeterUsageRequests.identity(reports.get(i)), i);
    }
    SubmitOutcome[] outcomes = new SubmitOutcome[reports.size()];
    for (UsageRecordResult result : response.results()) {
      answer(outcomes, index, result.usageRecord(),
          ErrorClassification.recordStatus(result.statusAsString(), result.meteringRecordId()));
    }
    for (UsageRecord unprocessed : response.unprocessedRecords()) {
      answer(outcomes, index, unprocessed, ErrorClassification.unprocessedRecord());
    }
    for (int i = 0; i < outcomes.length; i++) {
      if (outcomes[i] == null) {
        outcomes[i] = ErrorClassification.unansweredRecord();
      }
    }
    return Arrays.asList(outcomes);
  }

  /** Puts {@code outcome} on the report whose record {@code echoed} is; two different answers prove nothing. */
  private static void answer(SubmitOutcome[] outcomes, Map<RecordIdentity, Integer> index, UsageRecord echoed,
      SubmitOutcome outcome) {
    Integer at = echoed == null || echoed.timestamp() == null ? null : index.get(RecordIdentity.of(echoed));
    if (at == null) {
      LOG.warn("BatchMeterUsage answered about a record that was not sent, ignored: {} {}", echoed, outcome);
      return;
    }
    SubmitOutcome earlier = outcomes[at];
    if (earlier != null && !earlier.equals(outcome)) {
      LOG.warn("BatchMeterUsage answered twice about record {}: {} and {}", echoed, earlier, outcome);
      outcome = SubmitOutcome.failed(OutcomeClass.OUTCOME_UNKNOWN, "ConflictingRecordResults",
          "BatchMeterUsage answered " + earlier.outcome() + " and " + outcome.outcome() + " about the "
          + "same record: it may or may not have been recorded; resend it identically");
    }
    outcomes[at] = outcome;
  }

  /**
   * BatchMeterUsage has no DryRun member, and no other call checks the permission without metering, so
   * this answers ACCEPTED with record id {@value #NO_DRY_RUN}, as a submitter without a check does.
   */
  @Override
  public SubmitOutcome checkPermission(MarketplaceMeteringClient client, String productCode, String dimension) {
    return SubmitOutcome.accepted(NO_DRY_RUN);
  }
}
