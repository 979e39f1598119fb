package io.hourmeter.benchmarks;

import io.hourmeter.Buyer;
import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import io.hourmeter.MeteringMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The SaaS hot-path targets as paired blocks on one thread, as {@link PairedRatioProbe} measures the
 * hourly ones: {@link #BLOCK} calls of each kind, in alternating order, over and over, so that the
 * machine's load hits every side of a ratio alike.
 *
 * <ul>
 *   <li>{@code hourly}: {@code record()} on an hourly meter's dimension handle (the baseline);
 *   <li>{@code customer}: {@code record()} on a SaaS meter's {@code customer(buyer).dimension(d)} handle,
 *       looked up once (target: at most 1.1x {@code hourly});
 *   <li>{@code byBuyer}: {@code meter.record(buyer, d, 1)} over {@code buyers} distinct buyers (100,000
 *       by default) drawn from a Zipf distribution (exponent 1), the buyer objects made once
 *       beforehand, as an application holds them (target: at most 2x {@code customer}).
 * </ul>
 *
 * Both meters run as in production: the Chronicle journal, the system clock, the drainer thread on.
 * Every buyer is registered during the warm-up, so the figures are steady state; the first record of a
 * new customer is measured by {@code CustomerRegistryBenchmark}. The SaaS meter's handle cache holds
 * all buyers ({@code maxCachedCustomers} = buyers), as a deployment sized for its buyers would; with
 * a smaller cache the Zipf tail pays for re-making handles.
 *
 * <p>Usage: {@code SaasPairedProbe <warmupSeconds> <measureSeconds> <output.jsonl> [buyers]}.
 */
public final class SaasPairedProbe {
  static final int BLOCK = 10_000;

  private SaasPairedProbe() { }

  public static void main(String[] args) {
    if (args.length < 3) {
      System.err.println("usage: SaasPairedProbe <warmupSeconds> <measureSeconds> <output.jsonl> [buyers]");
      System.exit(2);
    }
    long warmupNanos = (long) (Double.parseDouble(args[0]) * 1e9);
    long measureNanos = (long) (Double.parseDouble(args[1]) * 1e9);
    Path output = Path.of(args[2]);
    int buyerCount = args.length > 3 ? Integer.parseInt(args[3]) : 100_000;
    Buyer[] buyers = new Buyer[buyerCount];
    for (int i = 0; i < buyerCount; i++) {
      buyers[i] = Buyer.ofAccount(String.format(Locale.ROOT, "%012d", 100_000_000_000L + i));
    }
    int[] draws = zipf(buyerCount, 1 << 20, new SplittableRandom(42));
    Path hourlyDirectory = BenchDirectories.create("saas-paired-hourly");
    Path saasDirectory = BenchDirectories.create("saas-paired-saas");
    try (Meter hourly = MeterFixture.builder(hourlyDirectory, InstantSource.system(),
            MeterFixture.acceptingSubmitter()).build();
         Meter saas = MeterFixture.builder(saasDirectory, InstantSource.system(), MeterFixture.acceptingBatchSubmitter())
             .mode(MeteringMode.SAAS).maxCachedCustomers(buyerCount).build()) {
      Dimension users = hourly.dimension(MeterFixture.USERS);
      Dimension customer = saas.customer(buyers[0]).dimension(MeterFixture.USERS);
      for (Buyer buyer : buyers) {
        saas.customer(buyer);
      }
      Blocks blocks = new Blocks(users, customer, saas, buyers, draws);
      blocks.run(warmupNanos);
      String line = blocks.run(measureNanos).toJson(buyerCount);
      System.out.println(line);
      append(output, line);
    } finally {
      BenchDirectories.delete(hourlyDirectory);
      BenchDirectories.delete(saasDirectory);
    }
  }

  /** {@code n} draws of ranks 0..buyers-1 with probability proportional to 1/(rank+1). */
  static int[] zipf(int buyers, int n, SplittableRandom random) {
    double[] cumulative = new double[buyers];
    double sum = 0;
    for (int i = 0; i < buyers; i++) {
      sum += 1.0 / (i + 1);
      cumulative[i] = sum;
    }
    int[] draws = new int[n];
    for (int i = 0; i < n; i++) {
      int at = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
      draws[i] = Math.min(buyers - 1, at >= 0 ? at : -at - 1);
    }
    return draws;
  }

  static final class Blocks {
    private final Dimension hourly;
    private final Dimension customer;
    private final Meter saas;
    private final Buyer[] buyers;
    private final int[] draws;
    private int next;

    Blocks(Dimension hourly, Dimension customer, Meter saas, Buyer[] buyers, int[] draws) {
      this.hourly = hourly;
      this.customer = customer;
      this.saas = saas;
      this.buyers = buyers;
      this.draws = draws;
    }

    Pairs run(long nanos) {
      int capacity = 1024;
      double[] h = new double[capacity];
      double[] c = new double[capacity];
      double[] b = new double[capacity];
      int n = 0;
      long end = System.nanoTime() + nanos;
      while (System.nanoTime() < end) {
        if (n == capacity) {
          capacity *= 2;
          h = Arrays.copyOf(h, capacity);
          c = Arrays.copyOf(c, capacity);
          b = Arrays.copyOf(b, capacity);
        }
        if ((n & 1) == 0) {
          h[n] = block(hourly);
          c[n] = block(customer);
          b[n] = byBuyerBlock();
        } else {
          b[n] = byBuyerBlock();
          c[n] = block(customer);
          h[n] = block(hourly);
        }
        n++;
      }
      return new Pairs(Arrays.copyOf(h, n), Arrays.copyOf(c, n), Arrays.copyOf(b, n));
    }

    static double block(Dimension dimension) {
      long start = System.nanoTime();
      for (int i = 0; i < BLOCK; i++) {
        if (!dimension.record(1)) {
          throw new IllegalStateException("record refused");
        }
      }
      return (System.nanoTime() - start) / (double) BLOCK;
    }

    private double byBuyerBlock() {
      int[] d = draws;
      int at = next;
      long start = System.nanoTime();
      for (int i = 0; i < BLOCK; i++) {
        if (!saas.record(buyers[d[at]], MeterFixture.USERS, 1)) {
          throw new IllegalStateException("record refused");
        }
        at = (at + 1) & (d.length - 1);
      }
      double perCall = (System.nanoTime() - start) / (double) BLOCK;
      next = at;
      return perCall;
    }
  }

  /** Per-call nanoseconds of each block, and the per-pair ratios. */
  record Pairs(double[] hourly, double[] customer, double[] byBuyer) {
    String toJson(int buyers) {
      double[] customerToHourly = new double[hourly.length];
      double[] byBuyerToCustomer = new double[hourly.length];
      for (int i = 0; i < hourly.length; i++) {
        customerToHourly[i] = customer[i] / hourly[i];
        byBuyerToCustomer[i] = byBuyer[i] / customer[i];
      }
      return String.format(Locale.ROOT, "{\"buyers\":%d,\"pairs\":%d,\"block\":%d,\"hourlyNs\":%.2f,"
              + "\"customerNs\":%.2f,\"byBuyerNs\":%.2f,\"customerToHourly\":%.4f,\"customerToHourlyP25\":%.4f,"
              + "\"customerToHourlyP75\":%.4f,\"byBuyerToCustomer\":%.4f,\"byBuyerToCustomerP25\":%.4f,"
              + "\"byBuyerToCustomerP75\":%.4f}",
          buyers, hourly.length, BLOCK, PairedRatioProbe.quantile(hourly, 0.5), PairedRatioProbe.quantile(customer, 0.5),
          PairedRatioProbe.quantile(byBuyer, 0.5), PairedRatioProbe.quantile(customerToHourly, 0.5),
          PairedRatioProbe.quantile(customerToHourly, 0.25), PairedRatioProbe.quantile(customerToHourly, 0.75),
          PairedRatioProbe.quantile(byBuyerToCustomer, 0.5), PairedRatioProbe.quantile(byBuyerToCustomer, 0.25),
          PairedRatioProbe.quantile(byBuyerToCustomer, 0.75));
    }
  }

  private static void append(Path output, String line) {
    try {
      Files.writeString(output, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + output, e);
    }
  }
}
