package io.hourmeter.local;

import java.util.ArrayList;
import java.util.List;

/**
 * A BatchMeterUsage answer: one {@code UsageRecordResult} per processed record (the record echoed as it
 * was received, its {@code Status}, and a {@code MeteringRecordId} for {@code Success}) and the records
 * left in {@code UnprocessedRecords}, echoed likewise. Results keep request order; AWS promises no order,
 * so callers match them by content. Immutable.
 *
 * @param results     the processed records
 * @param unprocessed the records left for a retry
 */
record BatchMeterUsageAnswer(List<Result> results, List<BatchMeterUsageCall.UsageRecord> unprocessed) {

  /**
   * One UsageRecordResult.
   *
   * @param record   the record
   * @param status   {@code Success}, {@code CustomerNotSubscribed} or {@code DuplicateRecord}
   * @param recordId the MeteringRecordId, or {@code null} when the record was not honoured
   */
  record Result(BatchMeterUsageCall.UsageRecord record, String status, String recordId) { }

  /** The answer's JSON body. */
  String toJson() {
    StringBuilder json = new StringBuilder("{\"Results\":[");
    for (int i = 0; i < results.size(); i++) {
      Result result = results.get(i);
      json.append(i == 0 ? "" : ",").append("{\"UsageRecord\":").append(Json.write(result.record().wire()));
      if (result.recordId() != null) {
        json.append(",\"MeteringRecordId\":").append(Json.quote(result.recordId()));
      }
      json.append(",\"Status\":").append(Json.quote(result.status())).append('}');
    }
    json.append("],\"UnprocessedRecords\":[");
    for (int i = 0; i < unprocessed.size(); i++) {
      json.append(i == 0 ? "" : ",").append(Json.write(unprocessed.get(i).wire()));
    }
    return json.append("]}").toString();
  }

  /** Collects an answer record by record. Not thread-safe. */
  static final class Builder {
    private final List<Result> results = new ArrayList<>();
    private final List<BatchMeterUsageCall.UsageRecord> unprocessed = new ArrayList<>();

    void result(BatchMeterUsageCall.UsageRecord record, String status, String recordId) {
      results.add(new Result(record, status, recordId));
    }

    void unprocessed(BatchMeterUsageCall.UsageRecord record) {
      unprocessed.add(record);
    }

    BatchMeterUsageAnswer build() {
      return new BatchMeterUsageAnswer(List.copyOf(results), List.copyOf(unprocessed));
    }
  }
}
