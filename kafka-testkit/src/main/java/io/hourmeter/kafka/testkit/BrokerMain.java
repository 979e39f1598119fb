package io.hourmeter.kafka.testkit;

import java.io.IOException;
import java.io.InputStream;

/**
 * The child JVM's main class of {@link KafkaBroker}: it formats the log directory when asked, then runs
 * the broker's own main ({@code kafka.Kafka}), and halts the JVM as soon as its standard input reaches
 * end of stream, that is when the parent process is gone (even killed by SIGKILL), so that no broker
 * outlives its test. It reaches the broker's classes by reflection: they are on the child's class path
 * only, never on the test kit's.
 *
 * <p>Arguments: {@code <server.properties>} and, on a first start, {@code format <clusterId>}.
 */
final class BrokerMain {
  /** Exit status when formatting the log directory failed. */
  static final int FORMAT_FAILED = 3;
  /** Exit status when the parent went away. */
  static final int ORPHANED = 4;

  private BrokerMain() { }

  public static void main(String[] args) throws Exception {
    Thread watchdog = new Thread(BrokerMain::haltAtEndOfInput, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    String properties = args[0];
    if (args.length == 3 && args[1].equals("format")) {
      Object code = Class.forName("kafka.tools.StorageTool")
          .getMethod("execute", String[].class, java.io.PrintStream.class)
          .invoke(null, new String[] {"format", "-t", args[2], "-c", properties}, System.out);
      if (((Integer) code) != 0) {
        System.out.println("StorageTool format failed with " + code);
        System.out.flush();
        Runtime.getRuntime().halt(FORMAT_FAILED);
      }
    }
    Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) new String[] {properties});
  }

  private static void haltAtEndOfInput() {
    InputStream in = System.in;
    byte[] buffer = new byte[64];
    try {
      while (in.read(buffer) >= 0) {
        // the parent writes nothing; anything it does write is ignored
      }
    } catch (IOException e) {
      // a broken pipe is a gone parent too
    }
    System.out.println("parent gone: halting the broker");
    System.out.flush();
    Runtime.getRuntime().halt(ORPHANED);
  }
}
