package io.hourmeter.it.reliability;

/** A report the drainer dead-lettered, as the ledger (through the inspection API) shows it. */
record DeadLetter(String dimension, long epochHour, long quantity, String reason) { }
