package io.hourmeter.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The storm loop of the crash scenarios ({@link CrashStormTest}, {@link SaasCrashStormTest}): start a
 * {@link RecorderMain} child on one journal directory, SIGKILL it at a random moment, start the next on
 * the same directory and the same simulated time, until enough kills and the last recorded hour; then a
 * last incarnation that records nothing, drains and exits 0.
 *
 * <p>About one incarnation in five is killed at a random moment of its start-up (journal recovery,
 * drainer election, ledger load); the others at a random moment after the meter is built, while
 * recording and draining. Not thread-safe: one storm per call, on the calling thread.
 */
final class CrashStorm {
  /**
   * The resource lock ({@code @ResourceLock}) of the storm scenarios: each runs child JVMs that record
   * from 4 threads, so two at once (a third and fourth child beside the other concurrent scenarios)
   * starve the 2-core machine until children take 8 to 13 s to start and barely record; they take
   * turns instead, the other scenarios still beside them.
   */
  static final String LOCK = "reliability-crash-storm";

  /** Roughly how long a child takes to build its meter on a busy 2-core machine. */
  static final long STARTUP_ESTIMATE_MILLIS = 2_500;

  private CrashStorm() { }

  /**
   * What a storm did.
   *
   * @param incarnations        children started, the draining one included
   * @param kills               SIGKILLs
   * @param startupKills        of those, kills before the child had built its meter
   * @param meanStartupMillis   mean real time from start to a built meter, of the children that got there
   * @param acceptedBeforeDrain records the endpoint had accepted when the draining child started
   * @param lastStatus          the draining child's last status line (after its close)
   * @param stormMillis         real time from the first start to the last kill
   * @param drainMillis         real time the draining incarnation took, start to exit
   */
  record Result(int incarnations, int kills, int startupKills, long meanStartupMillis, int acceptedBeforeDrain,
      Map<String, String> lastStatus, long stormMillis, long drainMillis) { }

  /**
   * Runs a storm of at least {@code kills} SIGKILLs over {@code hours} simulated hours (the children
   * record until {@code args}' {@code recordUntil}), then the draining incarnation, which must have
   * drained and exited within {@code drainWithin} simulated time.
   *
   * @param label what the failure messages name (a mode, a scenario)
   */
  static Result run(String label, SharedClock time, Map<String, String> args, Path logs, EndpointFixture endpoint,
      int hours, int kills, Duration drainWithin, SplittableRandom random) throws Exception {
    InstantSource clock = time.clock();
    long recordUntil = Long.parseLong(args.get("recordUntil"));
    long meanLifeMillis = Math.max(500, hours * time.realHour().toMillis() / kills - STARTUP_ESTIMATE_MILLIS);
    int run = 0;
    int killed = 0;
    int startupKills = 0;
    long readyMillis = 0;
    long stormStart = System.nanoTime();
    while (killed < kills || clock.millis() < recordUntil) {
      long started = System.nanoTime();
      try (Child child = Child.start(new LinkedHashMap<>(args), logs, run++)) {
        if (random.nextInt(5) == 0) {
          Thread.sleep(random.nextLong(STARTUP_ESTIMATE_MILLIS));
          startupKills += child.awaitReady(Duration.ZERO) ? 0 : 1;
        } else {
          assertThat(child.awaitReady(Duration.ofSeconds(60))).as(label + ": incarnation " + (run - 1)
              + " ready; output:\n" + child.output()).isTrue();
          readyMillis += (System.nanoTime() - started) / 1_000_000;
          Thread.sleep(meanLifeMillis / 5 + random.nextLong(meanLifeMillis * 8 / 5));
        }
        assertThat(child.isAlive()).as(label + ": incarnation " + (run - 1) + " alive until killed; output:\n"
            + child.output()).isTrue();
        child.kill();
        killed++;
      }
    }
    int acceptedBeforeDrain = endpoint.accepted().size();
    long drainStart = System.nanoTime();

    Map<String, String> drainArgs = new LinkedHashMap<>(args);
    drainArgs.put("threads", "0");
    drainArgs.put("drain", "true");
    Map<String, String> last;
    try (Child drainer = Child.start(drainArgs, logs, run)) {
      int exit;
      try {
        exit = drainer.awaitExit(time.real(drainWithin).plusSeconds(30));
      } catch (AssertionError e) {
        List<Map<String, String>> statuses = drainer.statuses();
        throw new AssertionError(label + ": the last incarnation did not drain; drainer steps that failed: "
            + Child.countInOutputs(logs, "drainer step failed") + "; last status: "
            + (statuses.isEmpty() ? "none" : statuses.get(statuses.size() - 1)), e);
      }
      assertThat(exit).as(label + ": drain incarnation exit code; output:\n" + drainer.output()).isZero();
      List<Map<String, String>> statuses = drainer.statuses();
      last = statuses.get(statuses.size() - 1);
    }
    return new Result(run + 1, killed, startupKills, readyMillis / Math.max(1, run - startupKills),
        acceptedBeforeDrain, last, (drainStart - stormStart) / 1_000_000, (System.nanoTime() - drainStart) / 1_000_000);
  }
}
