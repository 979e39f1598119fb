package io.hourmeter.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The benchmarks jar's entry point: JMH's own command line, with Chronicle's JVM flags and a fixed heap
 * appended to every fork's arguments, so that {@code java -jar benchmarks.jar} works as it is. Any
 * {@code -jvmArgsAppend} given on the command line is kept and comes after ours.
 */
public final class BenchmarkMain {

  private BenchmarkMain() { }

  public static void main(String[] args) throws RunnerException, IOException {
    CommandLineOptions commandLine;
    try {
      commandLine = new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      System.err.println("Error parsing the command line: " + e.getMessage());
      System.exit(1);
      return;
    }
    if (commandLine.shouldHelp() || commandLine.shouldList() || commandLine.shouldListWithParams()
        || commandLine.shouldListProfilers() || commandLine.shouldListResultFormats()) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    if (commandLine.getForkCount().orElse(1) == 0) {
      System.err.println("These benchmarks open Chronicle queues, which need JVM flags only a fork gets; "
          + "run with forks >= 1 (do not pass -f 0).");
      System.exit(2);
    }
    List<String> append = new ArrayList<>(BenchmarkJvm.chronicleFlags());
    append.addAll(BenchmarkJvm.HEAP);
    if (commandLine.getJvmArgsAppend().hasValue()) {
      append.addAll(commandLine.getJvmArgsAppend().get());
    }
    Options options = new OptionsBuilder()
        .parent(commandLine)
        .jvmArgsAppend(append.toArray(String[]::new))
        .build();
    new Runner(options).run();
  }
}
