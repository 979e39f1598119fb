package io.hourmeter.samples.cli;

import io.hourmeter.spi.StorageProvider;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hourmeter}: inspects a Hourmeter journal directory. Every command is read-only, except
 * {@code dead-letters --requeue --yes}, and safe to run while the application that owns the directory
 * is running.
 *
 * <p>{@code hourmeter --help}, {@code hourmeter <command> --help} (or {@code -h}) and
 * {@code hourmeter help <command>} print help.
 *
 * <p>Exit codes: 0 success; 1 {@code verify} found a difference; 2 bad input (missing or foreign
 * directory, bad option); 3 an unexpected error.
 */
@Command(name = "hourmeter",
    // Inherited, so that every command takes --help (and --version), as docs/configuration.md says:
    // 'hourmeter status --help' without a JOURNAL_DIR prints the command's help, not a usage error.
    scope = CommandLine.ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = HourmeterCli.Version.class,
    description = "Inspects a Hourmeter journal directory (read-only unless asked).",
    subcommands = {
        StatusCommand.class,
        HoursCommand.class,
        DumpCommand.class,
        VerifyCommand.class,
        DeadLettersCommand.class,
        CustomersCommand.class,
        CommandLine.HelpCommand.class
    })
public final class HourmeterCli implements Runnable {

  /** Exit code for an unexpected error. */
  static final int UNEXPECTED = 3;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the CLI with the given streams and returns the exit code; for tests and embedding. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(null, out, err, args);
  }

  /**
   * Runs the CLI on directories of {@code storage} ({@code null}: the one ServiceLoader finds), for
   * tests of journals the Chronicle storage does not write.
   */
  static int run(StorageProvider storage, PrintWriter out, PrintWriter err, String... args) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      @SuppressWarnings("unchecked")
      public <K> K create(Class<K> type) throws Exception {
        return type == JournalOptions.class ? (K) new JournalOptions(storage) : defaults.create(type);
      }
    };
    CommandLine cli = new CommandLine(new HourmeterCli(), factory);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof CliFailure failure) {
        err.println("hourmeter: " + failure.getMessage());
        return failure.exitCode();
      }
      err.println("hourmeter: " + e);
      return UNEXPECTED;
    });
    cli.setParameterExceptionHandler((e, params) -> {
      err.println("hourmeter: " + e.getMessage() + " (see 'hourmeter --help')");
      return CliFailure.USAGE;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: status, hours, dump, "
        + "verify, dead-letters or customers");
  }

  /** The version printed by {@code --version}: the jar's, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = HourmeterCli.class.getPackage().getImplementationVersion();
      return new String[] {"hourmeter " + (version != null ? version : "(development build)")};
    }
  }
}
