package io.hourmeter.spi;

import java.util.Objects;

/**
 * What one send came to.
 *
 * @param outcome          the class, which decides the report's next state
 * @param meteringRecordId AWS's record id when accepted, else {@code null}
 * @param errorCode        the AWS error type or exception name when not accepted, else {@code null}
 * @param message          a human-readable explanation, never {@code null}
 * @param wholeCall        whether the answer was to the whole call (an error response) rather than to
 *                         this report alone (a BatchMeterUsage result's Status, an UnprocessedRecords
 *                         entry, or the answer to a call of one report). The drainer isolates the
 *                         reports of a several-report call that a whole-call rejection about one record
 *                         refused, rather than let one record poison the rest
 */
public record SubmitOutcome(OutcomeClass outcome, String meteringRecordId, String errorCode,
    String message, boolean wholeCall) {

  public SubmitOutcome {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
    if (outcome == OutcomeClass.ACCEPTED && meteringRecordId == null) {
      throw new IllegalArgumentException("an accepted outcome needs a meteringRecordId");
    }
  }

  /** A failure or answer about one report, as the 4-argument form always was. */
  public SubmitOutcome(OutcomeClass outcome, String meteringRecordId, String errorCode, String message) {
    this(outcome, meteringRecordId, errorCode, message, false);
  }

  public static SubmitOutcome accepted(String meteringRecordId) {
    return new SubmitOutcome(OutcomeClass.ACCEPTED, meteringRecordId, null, "accepted");
  }

  /** This outcome as the answer to the whole call that carried the report. */
  public SubmitOutcome forWholeCall() {
    return new SubmitOutcome(outcome, meteringRecordId, errorCode, message, true);
  }

  public static SubmitOutcome failed(OutcomeClass outcome, String errorCode, String message) {
    if (outcome == OutcomeClass.ACCEPTED) {
      throw new IllegalArgumentException("use accepted(recordId)");
    }
    return new SubmitOutcome(outcome, null, errorCode, message);
  }
}
