package io.hourmeter.spi;

/** The submitter's circuit breaker state, as status shows it. */
public enum CircuitState {
  CLOSED,
  OPEN,
  HALF_OPEN,
  /** The submitter has no circuit breaker. */
  DISABLED
}
