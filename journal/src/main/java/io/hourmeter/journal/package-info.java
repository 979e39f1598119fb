/**
 * Chronicle Queue storage for Hourmeter: {@link io.hourmeter.journal.ChronicleUsageJournal} (the usage
 * journal, one cycle file per hour) and a crash-safe file ledger beside it, both opened by
 * {@link io.hourmeter.journal.ChronicleStorageProvider}, which {@link java.util.ServiceLoader} finds.
 *
 * <p>Every JVM that opens a journal needs the flags {@link io.hourmeter.journal.JvmFlags#required()}
 * lists; opening without them fails with a message that lists them on one line.
 *
 * <p>A journal directory holds: the cycle files ({@code yyyyMMdd-HH'F'.cq4}) and Chronicle's
 * {@code metadata.cq4t}; {@code journal-id} (the random per-journal id); {@code dimensions.txt} (the
 * dimension name to id registry); {@code customers.txt} (the SaaS customer key to id registry, created
 * with the first customer); {@code journal.lock} (the lock for these); and the ledger's
 * {@code ledger.N.log} and {@code ledger.lock}.
 */
package io.hourmeter.journal;
