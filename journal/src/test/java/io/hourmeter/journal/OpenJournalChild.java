package io.hourmeter.journal;

import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import java.nio.file.Path;
import java.time.InstantSource;

/**
 * A child JVM that opens a journal, prints its id ({@code ID=...}) and the ids of the dimensions named
 * on the command line ({@code DIM name=id}), appends one record, and closes it.
 *
 * <p>Arguments: directory, then dimension names.
 */
public final class OpenJournalChild {
  private OpenJournalChild() { }

  public static void main(String[] args) {
    try (ChronicleUsageJournal journal = ChronicleUsageJournal.open(new JournalSettings(Path.of(args[0]),
        InstantSource.system(), 0, FreeSpaceProbe.fileSystem()))) {
      System.out.println("ID=" + journal.journalId());
      int first = 0;
      for (int i = 1; i < args.length; i++) {
        int id = journal.dimensionId(args[i]);
        first = first == 0 ? id : first;
        System.out.println("DIM " + args[i] + "=" + id);
      }
      System.out.println("APPENDED=" + journal.append(Math.max(first, 1), 1, 0));
    }
    System.out.flush();
  }
}
