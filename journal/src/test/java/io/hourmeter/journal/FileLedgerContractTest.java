package io.hourmeter.journal;

import io.hourmeter.spi.StorageProvider;
import io.hourmeter.testing.ReportLedgerContract;

/** The file ledger passes the shipped ledger contract. */
class FileLedgerContractTest extends ReportLedgerContract {
  @Override
  protected StorageProvider provider() {
    return new ChronicleStorageProvider();
  }
}
