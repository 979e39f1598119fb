package io.hourmeter.spi;

import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * The durable state of reports: a crash-safe map from key to text value, changed only by atomic
 * commits. Core encodes reports, checkpoints and carry pools into it; the ledger knows nothing of them.
 *
 * <p>A commit is all-or-nothing through {@code kill -9} at any instant: after a crash, {@link #load()}
 * returns the state after the last commit that returned, or after a later one that completed, and
 * never a part of one.
 *
 * <p>Thread-safety: one drainer uses it; implementations need not support concurrent commits, but
 * {@link #load()} must be safe to call from another process (the CLI) while the drainer commits.
 */
public interface ReportLedger extends AutoCloseable {

  /** Every live entry, by key, as of the last completed commit. */
  SortedMap<String, String> load();

  /**
   * Atomically puts {@code puts} and removes {@code removes}, durable on return against the process's
   * death. A key in both is put.
   */
  void commit(Map<String, String> puts, Set<String> removes);

  /** Bytes the ledger takes on disk. */
  long diskBytes();

  @Override
  void close();
}
