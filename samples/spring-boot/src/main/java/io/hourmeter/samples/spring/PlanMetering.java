package io.hourmeter.samples.spring;

import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import java.util.Map;

/**
 * Meters a request on the tenant's plan. A plain class, with no annotations: the starter builds the
 * {@link Meter} from {@code hourmeter.*} properties, and the application hands it in. The handles are
 * looked up once, so a request costs one journal append.
 *
 * <p>Thread-safe: the handles are.
 */
public final class PlanMetering {

  private static final Map<String, String> PLAN_OF_TENANT = Map.of("acme", "premium_requests",
      "globex", "premium_requests", "initech", "basic_requests");

  private final Map<String, Dimension> planHandles;

  public PlanMetering(Meter meter) {
    planHandles = Map.of("basic_requests", meter.dimension("basic_requests"),
        "premium_requests", meter.dimension("premium_requests"));
  }

  /** The tenant's plan, or {@code null} for an unknown tenant. */
  public String planOf(String tenant) {
    return tenant == null ? null : PLAN_OF_TENANT.get(tenant);
  }

  /** Records one request on the plan's dimension; never blocks on the network, never throws for infrastructure. */
  public void recordRequest(String plan) {
    planHandles.get(plan).record(1);
  }
}
