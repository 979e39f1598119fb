package io.hourmeter.internal.drain;

import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.spi.StorageProvider;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.testing.InMemoryStorage;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Consumer;

/**
 * In-memory storage with hooks before each ledger open and each ledger commit, for tests that make
 * the ledger fail (throw from a hook) at a chosen point. Thread-safe as far as the hooks are.
 */
final class HookedStorage implements StorageProvider {
  private final InMemoryStorage delegate;
  /** Called before each ledger open; may throw to fail it. */
  volatile Runnable beforeOpenLedger = () -> { };
  /** Called with the puts of each ledger commit before it is written; may throw to fail it. */
  volatile Consumer<Map<String, String>> beforeCommit = puts -> { };

  HookedStorage(InMemoryStorage delegate) {
    this.delegate = delegate;
  }

  @Override
  public UsageJournal openJournal(JournalSettings settings) {
    return delegate.openJournal(settings);
  }

  @Override
  public ReportLedger openLedger(Path directory) {
    beforeOpenLedger.run();
    ReportLedger ledger = delegate.openLedger(directory);
    return new ReportLedger() {
      @Override
      public SortedMap<String, String> load() {
        return ledger.load();
      }

      @Override
      public void commit(Map<String, String> puts, Set<String> removes) {
        beforeCommit.accept(puts);
        ledger.commit(puts, removes);
      }

      @Override
      public long diskBytes() {
        return ledger.diskBytes();
      }

      @Override
      public void close() {
        ledger.close();
      }
    };
  }
}
