package io.hourmeter.local;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** Turns {@link LocalMeteringEndpoint#main} arguments into a builder and faults. Stateless. */
final class CommandLine {

  private CommandLine() { }

  static LocalMeteringEndpoint.Builder parse(String[] args) {
    LocalMeteringEndpoint.Builder builder = LocalMeteringEndpoint.builder();
    boolean product = false;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      String value = value(args, i++);
      switch (option) {
        case "--port" -> builder.port(Integer.parseInt(value));
        case "--product" -> {
          int colon = value.indexOf(':');
          if (colon <= 0) {
            throw new IllegalArgumentException("--product takes CODE:dim1,dim2 but was " + value);
          }
          builder.product(value.substring(0, colon), value.substring(colon + 1).split(","));
          product = true;
        }
        case "--subscriber" -> subscriber(builder, value);
        case "--region" -> builder.region(value);
        case "--not-entitled" -> builder.notEntitled(value);
        case "--rejected-key" -> builder.rejectedAccessKey(value);
        case "--denied-key" -> builder.deniedAccessKey(value);
        case "--speed" -> builder.clock(accelerated(Double.parseDouble(value)));
        case "--throttle-rate", "--error-rate", "--drop-rate", "--latency-ms", "--unprocessed-rate" -> { }
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    if (!product) {
      builder.product("prod-demo", "users", "requests");
    }
    return builder;
  }

  static void applyFaults(String[] args, Faults faults) {
    for (int i = 0; i + 1 < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--throttle-rate" -> faults.throttleRate(Double.parseDouble(value));
        case "--error-rate" -> faults.serverErrorRate(Double.parseDouble(value));
        case "--drop-rate" -> faults.dropAfterRecordRate(Double.parseDouble(value));
        case "--latency-ms" -> faults.latency(Duration.ofMillis(Long.parseLong(value)));
        case "--unprocessed-rate" -> faults.unprocessedRecordRate(Double.parseDouble(value));
        default -> { }
      }
    }
  }

  /** {@code CODE:ACCOUNT} or {@code CODE:ACCOUNT:LICENSE_ARN} (the ARN keeps its colons). */
  private static void subscriber(LocalMeteringEndpoint.Builder builder, String value) {
    String[] parts = value.split(":", 3);
    if (parts.length < 2 || parts[0].isEmpty()) {
      throw new IllegalArgumentException("--subscriber takes CODE:ACCOUNT[:LICENSE_ARN] but was " + value);
    }
    builder.subscriber(parts[0], parts.length == 3 ? SaasCustomer.license(parts[1], parts[2])
        : SaasCustomer.account(parts[1]));
  }

  /** A clock that starts at the real time and runs {@code speed} times as fast. */
  static InstantSource accelerated(double speed) {
    InstantSource system = InstantSource.system();
    Instant now = system.instant();
    return AcceleratedClock.of(system, now, now, speed);
  }

  private static String value(String[] args, int i) {
    if (i + 1 >= args.length) {
      throw new IllegalArgumentException(args[i] + " needs a value");
    }
    return args[i + 1];
  }
}
