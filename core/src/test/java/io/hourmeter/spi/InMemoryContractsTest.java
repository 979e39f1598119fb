package io.hourmeter.spi;

import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.RecordingUsageSubmitter;
import io.hourmeter.testing.ReportLedgerContract;
import io.hourmeter.testing.UsageJournalContract;
import io.hourmeter.testing.UsageSubmitterContract;
import java.time.InstantSource;
import java.util.Set;
import org.junit.jupiter.api.Nested;

/** The in-memory fakes pass the same contracts as the real adapters, so tests on them mean something. */
class InMemoryContractsTest {

  @Nested
  class Journal extends UsageJournalContract {
    private final InMemoryStorage storage = new InMemoryStorage();

    @Override
    protected StorageProvider provider() {
      return storage;
    }
  }

  @Nested
  class Ledger extends ReportLedgerContract {
    private final InMemoryStorage storage = new InMemoryStorage();

    @Override
    protected StorageProvider provider() {
      return storage;
    }
  }

  @Nested
  class Submitter extends UsageSubmitterContract {
    @Override
    protected UsageSubmitter submitter(String productCode, Set<String> dimensions, InstantSource clock) {
      return new RecordingUsageSubmitter(clock, productCode, dimensions);
    }
  }
}
