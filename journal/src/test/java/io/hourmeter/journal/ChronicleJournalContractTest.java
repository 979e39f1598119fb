package io.hourmeter.journal;

import io.hourmeter.spi.StorageProvider;
import io.hourmeter.testing.UsageJournalContract;

/** The Chronicle journal passes the shipped journal contract. */
class ChronicleJournalContractTest extends UsageJournalContract {
  @Override
  protected StorageProvider provider() {
    return new ChronicleStorageProvider();
  }
}
