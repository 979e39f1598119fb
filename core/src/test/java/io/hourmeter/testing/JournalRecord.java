package io.hourmeter.testing;

/** A journal record as a value, for tests that collect what a reader returned. */
public record JournalRecord(long position, long epochHour, int dimensionId, int customerId, long quantity,
    int tagSetId) { }
