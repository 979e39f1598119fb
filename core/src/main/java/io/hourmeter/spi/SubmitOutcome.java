package io.hourmeter.spi;

import java.util.Objects;

/**
 * What one send came to.
 *
 * @param outcome          the class, which decides the report's next state
 * @param meteringRecordId AWS's record id when accepted, else {@code null}
 * @param errorCode        the AWS error type or exception name when not accepted, else {@code null}
 * @param message          a human-readable explanation, never {@code null}
 */
public record SubmitOutcome(OutcomeClass outcome, String meteringRecordId, String errorCode,
    String message) {

  public SubmitOutcome {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
    if (outcome == OutcomeClass.ACCEPTED && meteringRecordId == null) {
      throw new IllegalArgumentException("an accepted outcome needs a meteringRecordId");
    }
  }

  public static SubmitOutcome accepted(String meteringRecordId) {
    return new SubmitOutcome(OutcomeClass.ACCEPTED, meteringRecordId, null, "accepted");
  }

  public static SubmitOutcome failed(OutcomeClass outcome, String errorCode, String message) {
    if (outcome == OutcomeClass.ACCEPTED) {
      throw new IllegalArgumentException("use accepted(recordId)");
    }
    return new SubmitOutcome(outcome, null, errorCode, message);
  }
}
