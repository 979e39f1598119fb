package io.hourmeter.samples.cli;

import io.hourmeter.spi.StorageProvider;
import java.io.PrintWriter;
import java.io.StringWriter;

/** One CLI run: exit code, stdout and stderr. */
record CliRun(int exitCode, String out, String err) {

  static CliRun of(String... args) {
    return of(null, args);
  }

  /** A run on directories of {@code storage} (null: the ServiceLoader's, Chronicle). */
  static CliRun of(StorageProvider storage, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = HourmeterCli.run(storage, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
  }
}
